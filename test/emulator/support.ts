/** An SDK error as the tests inspect it. */
export type SdkError = Error & { $metadata: { httpStatusCode?: number; attempts?: number } };

/** The error a call fails with; fails the test if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the call to fail');
}

/** Test clients' fixed credentials: the emulator accepts any, and nothing reaches AWS. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
