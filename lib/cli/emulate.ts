import { readFileSync } from 'node:fs';
import { startEmulator, type Emulator } from '../emulator/emulator.js';
import { collectEmlFiles, messageIdForFile } from './inputs.js';

/**
 * Runs the emulator (Message Flow API + S3) in the foreground for other clients, serving each
 * `.eml` of a folder as an in-transit message named after its file.
 */
export async function emulate(options: { port?: number; messages?: string }, write: (line: string) => void): Promise<Emulator> {
  const emulator = await startEmulator({ ...(options.port ? { messageFlowPort: options.port, s3Port: options.port + 1 } : {}) });
  const ids: string[] = [];
  if (options.messages) {
    for (const file of collectEmlFiles([options.messages])) {
      const id = messageIdForFile(file);
      emulator.store.add(readFileSync(file), { id });
      ids.push(id);
    }
  }
  write(`Message Flow API: ${emulator.messageFlowEndpoint}`);
  write(`S3:               ${emulator.s3Endpoint} (bucket "${emulator.bucket}", path-style)`);
  write(`Region:           ${emulator.region}`);
  write(`Messages:         ${ids.length ? ids.join(', ') : '(none; start with --messages FOLDER)'}`);
  write('\nEnvironment for SDKs and the AWS CLI:');
  for (const [k, v] of Object.entries(emulator.env)) write(`  export ${k}=${v}`);
  if (ids.length)
    write(`\nTry: aws workmailmessageflow get-raw-message-content --message-id ${ids[0]} --endpoint-url ${emulator.messageFlowEndpoint} /dev/stdout`);
  write('\nPress Ctrl+C to stop.');
  return emulator;
}
