// `node --import` this: records every `@aws-sdk/*` import the process resolves in WMFLOW_TEST_IMPORT_LOG.
import { register } from 'node:module';

register('./record-aws-sdk-hooks.mjs', import.meta.url);
