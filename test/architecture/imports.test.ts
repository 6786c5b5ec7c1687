import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = path.resolve(import.meta.dirname, '../../lib');

/** Every .ts file under lib/, with the lib folder it belongs to and what it imports. */
function sources(): { file: string; folder: string; imports: string[] }[] {
  const out: { file: string; folder: string; imports: string[] }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) {
        const text = readFileSync(full, 'utf8');
        // Static imports, re-exports and dynamic imports alike.
        const imports = [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
        const rel = path.relative(LIB, full);
        out.push({ file: rel, folder: folderOf(rel), imports });
      }
    }
  };
  walk(LIB);
  return out;
}

/** The package's entry modules at lib/'s top: composition roots, the outermost layer. */
const ENTRY_MODULES = new Set(['index.ts', 'lambda.ts', 'cdk.ts']);

/** The layer a lib-relative path belongs to: its folder, `(entry)`, `(root)` (lib/errors.ts …) or `(outside)`. */
function folderOf(rel: string): string {
  if (rel.startsWith('..')) return '(outside)';
  if (rel.includes(path.sep)) return rel.split(path.sep)[0]!;
  return ENTRY_MODULES.has(rel.replace(/\.js$/, '.ts')) ? '(entry)' : '(root)';
}

/** The lib folder an import lands in, or undefined for a package. */
function targetFolder(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return folderOf(path.relative(LIB, path.resolve(LIB, path.dirname(file), spec)));
}

/** Folders that must run on any mail flow: no WorkMail, no AWS, no Lambda, no SMTP server. */
const PORTABLE = ['mime', 'rules', 'core', 'redaction', 'html', 'pattern'];
const PLATFORM_FOLDERS = ['workmail', 'flow', 'aws', 'emulator', 'cli', 'smtp'];
const PLATFORM_PACKAGES = [/^@aws-sdk\//, /^@aws-lambda-powertools\//, /^aws-lambda$/, /^aws-cdk-lib/, /^constructs$/, /^smtp-server$/];

/** Which lib folders each folder may import (besides itself and lib's root modules). */
const ALLOWED: Record<string, string[]> = {
  pattern: [],
  mime: [],
  html: ['mime'],
  redaction: ['html', 'pattern', 'mime'],
  rules: ['mime', 'html', 'redaction', 'pattern'],
  core: ['mime', 'rules', 'html', 'redaction', 'pattern'],
  workmail: ['core', 'rules', 'mime'],
  flow: ['workmail', 'core', 'rules', 'mime'],
  aws: ['flow', 'workmail', 'core', 'rules', 'mime'],
  emulator: ['workmail', 'core', 'rules', 'mime'],
  smtp: ['core', 'rules', 'mime', 'redaction', 'html', 'pattern'],
  cli: ['aws', 'emulator', 'flow', 'smtp', 'workmail', 'core', 'rules', 'mime', 'redaction', 'html', 'pattern'],
  '(root)': [],
  // The package's entry points compose everything, the CDK construct in infra/ included.
  '(entry)': ['aws', 'emulator', 'flow', 'smtp', 'workmail', 'core', 'rules', 'mime', 'redaction', 'html', 'pattern', '(outside)'],
};

describe('dependencies point inward', () => {
  const files = sources();

  it('finds the source tree (not vacuous)', () => {
    expect(files.length).toBeGreaterThan(80);
    const folders = new Set(files.map((f) => f.folder));
    expect(['mime', 'rules', 'core', 'workmail', 'flow', 'aws', 'emulator', 'cli'].filter((f) => !folders.has(f))).toEqual([]);
  });

  it('the rule engine, MIME, redaction, HTML and patterns import nothing of WorkMail, AWS, Lambda or SMTP', () => {
    const offending = files
      .filter((f) => PORTABLE.includes(f.folder))
      .flatMap((f) =>
        f.imports
          .filter((spec) => PLATFORM_FOLDERS.includes(targetFolder(f.file, spec) ?? '') || PLATFORM_PACKAGES.some((p) => p.test(spec)))
          .map((spec) => `${f.file} imports ${spec}`),
      );
    expect(offending).toEqual([]);
  });

  it('every folder imports only the folders beneath it', () => {
    const offending = files.flatMap((f) =>
      f.imports.flatMap((spec) => {
        const to = targetFolder(f.file, spec);
        if (!to || to === f.folder || to === '(root)') return [];
        const allowed = ALLOWED[f.folder];
        return allowed?.includes(to) ? [] : [`${f.file} imports ${spec} (${f.folder} → ${to})`];
      }),
    );
    expect(offending).toEqual([]);
  });

  it('has no folder-level cycle', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files) {
      for (const spec of f.imports) {
        const to = targetFolder(f.file, spec);
        if (to && to !== f.folder) edges.set(f.folder, (edges.get(f.folder) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const visit = (node: string, stack: string[]) => {
      if (stack.includes(node)) {
        cycles.push([...stack.slice(stack.indexOf(node)), node].join(' → '));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...stack, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });

  it('only lib/aws (and the Lambda entry point) uses Powertools, and the AWS SDK only in lib/aws and the emulator', () => {
    // The emulator plays WorkMail reading the bucket, with the real S3 client: the one exception.
    const offending = files.flatMap((f) =>
      f.imports
        .filter(
          (spec) =>
            (/^@aws-lambda-powertools\//.test(spec) && !['aws', '(entry)'].includes(f.folder)) ||
            (/^@aws-sdk\//.test(spec) && !['aws', 'emulator'].includes(f.folder)),
        )
        .map((spec) => `${f.file} imports ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
