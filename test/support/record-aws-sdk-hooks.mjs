// Module resolve hook (runs on Node's hooks thread) for record-aws-sdk.mjs.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  if (specifier.startsWith('@aws-sdk/')) appendFileSync(process.env.WMFLOW_TEST_IMPORT_LOG, `${specifier}\n`);
  return next(specifier, context);
}
