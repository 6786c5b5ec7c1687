// `node --import` this: records in WMFLOW_TEST_IMPORT_LOG every `@aws-sdk/*` import the process
// resolves, and every file of the bundled CLI it loads.
import { register } from 'node:module';

register('./record-aws-sdk-hooks.mjs', import.meta.url);
