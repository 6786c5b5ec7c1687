import { createRequire } from 'node:module';
import { WmflowError } from './errors.js';

/**
 * Packages wmflow loads only when a message or a configuration needs them, so that mail and
 * configurations without them pay nothing for them at start-up:
 * - `iconv-lite` and `encoding-japanese`: the legacy charset tables (about 580 KB), for text
 *   that is neither UTF-8 nor US-ASCII;
 * - `re2js`: the linear-time engine for user patterns, for configurations that have any;
 * - `file-type`: content sniffing, for attachment rules that match true types.
 *
 * They are loaded with a `require` bundlers do not follow, so a bundle (the Lambda's) must ship
 * them, and what they depend on, as packages beside it: the CDK construct does; a
 * `NodejsFunction` of your own does with `bundling: { nodeModules: [...ON_DEMAND_PACKAGES] }`.
 */
export const ON_DEMAND_PACKAGES = ['iconv-lite', 'encoding-japanese', 're2js', 'file-type'] as const;

/** One of {@link ON_DEMAND_PACKAGES}. */
export type OnDemandPackage = (typeof ON_DEMAND_PACKAGES)[number];

/** An on-demand package cannot be found from where wmflow's code runs (code `ON_DEMAND_MISSING`). */
export class OnDemandPackageError extends WmflowError {
  constructor(names: readonly string[], options?: { cause?: unknown }) {
    super(
      'ON_DEMAND_MISSING',
      `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} loaded on demand and cannot be found from ${where()}: ` +
        'a bundle must ship them in node_modules beside it (the wmflow CDK construct does; a NodejsFunction of your own ' +
        'does with bundling.nodeModules: ON_DEMAND_PACKAGES)',
      options,
    );
  }
}

const requireHere = createRequire(import.meta.url);
const loaded = new Map<OnDemandPackage, unknown>();
const where = () => new URL('.', import.meta.url).pathname;

/**
 * The package `name`, loaded on the first call (synchronously: callers are synchronous text
 * and pattern code). Node 20.19+ loads ES module packages this way too.
 * @throws OnDemandPackageError when the package is not installed where this code can find it.
 */
export function loadOnDemand<T>(name: OnDemandPackage): T {
  let mod = loaded.get(name);
  if (mod === undefined) {
    try {
      mod = requireHere(name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new OnDemandPackageError([name], { cause: err });
      throw err;
    }
    loaded.set(name, mod);
  }
  return mod as T;
}

/**
 * Checks, without loading them, that every on-demand package can be found, so that a bundle
 * shipped without them fails at start-up rather than on the first message that needs one.
 * @throws OnDemandPackageError naming the missing ones.
 */
export function assertOnDemandPackages(): void {
  const missing = ON_DEMAND_PACKAGES.filter((name) => {
    try {
      requireHere.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) throw new OnDemandPackageError(missing);
}
