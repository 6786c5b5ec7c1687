import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ON_DEMAND_PACKAGES } from '../lib/on-demand.js';

/** One installed package to ship beside a bundle: its name and the directory it is installed in. */
export interface InstalledPackage {
  name: string;
  dir: string;
}

/** Where Node would find package `name` from `fromDir`: the nearest `node_modules/<name>` up the tree. */
function findInstalled(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The packages wmflow loads on demand ({@link ON_DEMAND_PACKAGES}: charset tables, RE2, file-type)
 * and everything they depend on, as installed for the wmflow code in `fromDir`. A bundler does not
 * follow those loads, so a bundle ships these directories as `node_modules/<name>` beside it. A
 * dependency nested inside another listed package's directory comes with that one's copy and is
 * not listed again.
 * @throws Error naming the package when one is not installed.
 */
export function onDemandPackages(fromDir: string): InstalledPackage[] {
  const found = new Map<string, InstalledPackage>();
  const visit = (name: string, from: string) => {
    const dir = findInstalled(name, from);
    if (!dir) throw new Error(`wmflow: package ${name} (loaded on demand) is not installed where ${from} can find it`);
    if (found.has(dir)) return;
    found.set(dir, { name, dir });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir);
  };
  for (const name of ON_DEMAND_PACKAGES) visit(name, fromDir);
  const all = [...found.values()];
  return all.filter((p) => !all.some((outer) => outer !== p && p.dir.startsWith(outer.dir + path.sep)));
}
