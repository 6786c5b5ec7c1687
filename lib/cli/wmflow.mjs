#!/usr/bin/env node
// The `wmflow` command: runs the TypeScript CLI through tsx, so a fresh clone needs no build.
import { register } from 'tsx/esm/api';

// The AWS SDK warns once that its future releases need Node 22 (Lambda runs 22); the warning
// says nothing about this run, so the CLI keeps its output clean of it.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (type === 'NodeVersionSupportWarning' || /NodeVersionSupportWarning/.test(String(warning))) return;
  emitWarning(warning, ...rest);
};

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
