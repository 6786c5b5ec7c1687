/** The compiled `wmflow` command the tests spawn, as installed users run it (`npm test` builds it first). */
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const WMFLOW_BIN = path.join(ROOT, 'dist/cli/wmflow.js');

if (!existsSync(WMFLOW_BIN)) throw new Error(`${WMFLOW_BIN} is missing: run \`npm run build\` (npm test does) before these tests`);
