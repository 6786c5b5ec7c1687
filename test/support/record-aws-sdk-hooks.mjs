// Module resolve hook (runs on Node's hooks thread) for record-aws-sdk.mjs.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  // `@aws-sdk/*` resolved as packages, and every file of wmflow's bundled CLI (dist/cli/), whose
  // chunks carry the SDK inline: the test looks inside those.
  if (specifier.startsWith('@aws-sdk/') || /\/dist\/cli\/[^/]+\.js$/.test(resolved.url)) {
    appendFileSync(process.env.WMFLOW_TEST_IMPORT_LOG, `${specifier.startsWith('@aws-sdk/') ? specifier : resolved.url}\n`);
  }
  return resolved;
}
