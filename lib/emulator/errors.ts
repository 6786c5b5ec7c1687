import { WmflowError } from '../errors.js';

/** Codes of {@link EmulatorError}. */
export type EmulatorErrorCode =
  /** The organisation, a flow rule or an emulator option is not something WorkMail would accept. */
  | 'EMULATOR_CONFIG_INVALID'
  /** A Run Lambda rule matched but the emulator was given no Lambda to invoke. */
  | 'EMULATOR_NO_LAMBDA'
  /** A delivery request is unusable (no recipients, bad message id…). */
  | 'EMULATOR_REQUEST_INVALID'
  /** The embedded S3 was asked for something it does not hold. */
  | 'EMULATOR_S3'
  /** Storing an object would take the embedded S3 past its total-bytes cap. */
  | 'EMULATOR_S3_FULL';

/** A problem with how the emulator is set up or called (never a WorkMail API error: those go over HTTP). */
export class EmulatorError extends WmflowError {
  declare readonly code: EmulatorErrorCode;

  constructor(code: EmulatorErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
