import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/cli.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
};

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name), suffix) : e.name.endsWith(suffix) ? [path.join(dir, e.name)] : [],
  );
}

/** Package names a compiled file imports (static, dynamic and `require` of string literals). */
function importedPackages(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\)?\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  const specifiers = patterns.flatMap((re) => [...code.matchAll(re)].map((m) => m[1]!));
  return specifiers
    .filter((s) => !s.startsWith('.') && !s.startsWith('node:') && !path.isAbsolute(s) && !builtinModules.includes(s.split('/')[0]!))
    .map((s) => (s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0]!));
}

describe('the built package', () => {
  it('imports at run time only its dependencies and optional peers (never a devDependency alone)', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies)]);
    const js = files(path.join(ROOT, 'dist'), '.js');
    expect(js.length).toBeGreaterThan(100);
    // The CLI bundle (dist/cli) carries the AWS SDK inline, with the SDK's own optional requires of
    // its SigV4a/CRT add-ons (in try/catch; wmflow signs with SigV4 only). Nothing else may appear.
    const sdkOptional = new Set(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);
    const used = new Map<string, string>();
    for (const f of js) {
      const bundled = f.startsWith(path.join(ROOT, 'dist/cli') + path.sep);
      for (const p of importedPackages(f)) if (!(bundled && sdkOptional.has(p))) used.set(p, path.relative(ROOT, f));
    }
    expect([...used].filter(([p]) => !allowed.has(p))).toEqual([]);
    // The CDK side is optional: installing wmflow for the CLI or the Lambda pulls none of it.
    for (const peer of ['aws-cdk-lib', 'constructs']) expect(pkg.peerDependenciesMeta[peer]?.optional).toBe(true);
    expect(used.has('aws-cdk-lib')).toBe(true);
  });

  it('declares types only against packages a consumer installs', () => {
    const allowed = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.peerDependencies), '@types/node']);
    const bad = files(path.join(ROOT, 'dist'), '.d.ts').flatMap((f) =>
      importedPackages(f)
        .filter((p) => !allowed.has(p))
        .map((p) => `${path.relative(ROOT, f)}: ${p}`),
    );
    expect(bad).toEqual([]);
  });
});
