/**
 * `npx tsx bench/cold-start.ts`: the Lambda bundle's size and cold import cost, for the bundling
 * choices the CDK construct can make (AWS SDK external — the runtime's — or bundled; source maps
 * with `--enable-source-maps` or none). The construct's defaults follow these numbers. Each import
 * runs in a fresh `node` process; the figure is the CPU time (user + system) that process spends
 * importing the handler and running its cold start (node's own start-up excluded), median of N runs. The bundle lives under .scratch/ so that an external SDK
 * resolves from node_modules as it would from the runtime.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { onDemandPackages } from '../infra/on-demand-packages.js';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, '.scratch/cold-start');
const runs = Number(process.argv[2] ?? 9);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, 'rules.json'), readFileSync(path.join(root, 'samples/rules.json')));

const banner = "import { createRequire as __wmflowCreateRequire } from 'node:module'; const require = __wmflowCreateRequire(import.meta.url);";
const cpu = (args: string[], env: Record<string, string> = {}): number => {
  const r = spawnSync(process.execPath, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return Number(r.stdout.trim());
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
// CPU the process spends from just before the import to just after it (its cold start included),
// measured inside the process: node's own start-up is not in it, and nothing is subtracted from
// another process's figure (on a shared machine that subtraction was noisier than the effect).
const probe = (file: string) =>
  `const s=process.cpuUsage(); await import(${JSON.stringify(file)}); const u=process.cpuUsage(s); console.log((u.user+u.system)/1000);`;

/** Bundles as the CDK construct does (minified ESM for Node 22, `require` available) into `outfile`. */
function bundle(outfile: string, options: BuildOptions) {
  return build({
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    mainFields: ['module', 'main'],
    banner: { js: banner },
    outfile,
    logLevel: 'silent',
    ...options,
  });
}

console.log('| bundle | size | cold import CPU |');
console.log('| --- | ---: | ---: |');
for (const sdk of ['external', 'bundled'] as const) {
  const dir = path.join(out, sdk);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'index.mjs');
  await bundle(file, { entryPoints: [path.join(root, 'handlers/message-flow.ts')], sourcemap: true, external: sdk === 'external' ? ['@aws-sdk/*'] : [] });
  const env = {
    WMFLOW_BUCKET: 'wmflow-bench',
    WMFLOW_RULES_FILE: 'rules.json',
    LAMBDA_TASK_ROOT: out,
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const maps of [false, true]) {
    const args = [...(maps ? ['--enable-source-maps'] : []), '--input-type=module', '-e', probe(file)];
    const ms = median(Array.from({ length: runs }, () => cpu(args, env)));
    console.log(`| SDK ${sdk}${maps ? ', --enable-source-maps' : ''} | ${(statSync(file).size / 1024).toFixed(0)} KiB | ${ms.toFixed(0)} ms |`);
  }
}

// For scale: the AWS SDK's two clients alone, bundled the same way, imported and constructed.
{
  const file = path.join(out, 'sdk-only', 'index.mjs');
  await bundle(file, {
    stdin: {
      contents:
        "import { S3Client } from '@aws-sdk/client-s3'; import { WorkMailMessageFlowClient } from '@aws-sdk/client-workmailmessageflow';" +
        "new S3Client({ region: 'us-east-1', maxAttempts: 1 }); new WorkMailMessageFlowClient({ region: 'us-east-1', maxAttempts: 1 });",
      resolveDir: root,
      loader: 'ts',
    },
  });
  const ms = median(
    Array.from({ length: runs }, () => cpu(['--input-type=module', '-e', probe(file)], { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' })),
  );
  console.log(`| for scale: the SDK's two clients alone, bundled, constructed | ${(statSync(file).size / 1024).toFixed(0)} KiB | ${ms.toFixed(0)} ms |`);
}

// What the packages wmflow loads on demand (lib/on-demand.ts) cost when a message or the rules
// first need them, in a fresh process (CPU of loading and first use), and their size beside the bundle.
const onDemandSize = onDemandPackages(path.join(root, 'lib')).reduce((n, p) => n + du(p.dir), 0);
console.log('');
console.log(`On-demand packages beside the bundle: ${(onDemandSize / 1e6).toFixed(2)} MB on disk, loaded only when needed:`);
console.log('');
console.log('| first need | CPU |');
console.log('| --- | ---: |');
for (const [what, code] of [
  ['a Latin-1 text (iconv-lite)', "require('iconv-lite').decode(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'windows-1252')"],
  [
    'an ISO-2022-JP text (encoding-japanese)',
    "const E = require('encoding-japanese'); E.codeToString(E.convert(Buffer.from('1b244224331b2842', 'hex'), { to: 'UNICODE', from: 'JIS' }))",
  ],
  ['a user pattern (re2js)', "require('re2js').RE2JS.compile('^([5-9]|1[0-9])', 0).test('7')"],
] as const) {
  const ms = median(
    Array.from({ length: runs }, () => cpu(['-e', `const s=process.cpuUsage(); ${code}; const u=process.cpuUsage(s); console.log((u.user+u.system)/1000);`])),
  );
  console.log(`| ${what} | ${ms.toFixed(0)} ms |`);
}

function du(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? du(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).size),
    0,
  );
}
