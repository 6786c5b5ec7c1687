#!/usr/bin/env node
// The `wmflow` command (package.json "bin"). `npm run build` bundles it with its dependencies
// into dist/cli/ (a chunk per command, loaded lazily): loading hundreds of separate modules
// was most of a short run's time.

import module from 'node:module';

// The AWS SDK warns once that its future releases need Node 22 (Lambda runs 22); the warning
// says nothing about this run. This is the SDK's documented switch; it must be set before
// anything imports the SDK, hence before main (and every command) is loaded.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Node 22.1+ keeps V8's compiled code of these modules between runs (in the OS temp folder):
// later runs skip most of compiling them. Older Node versions have no such switch.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
