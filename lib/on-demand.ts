import { createRequire } from 'node:module';

/**
 * Packages wmflow loads only when a message or a configuration needs them, so that mail and
 * configurations without them pay nothing for them at start-up:
 * - `iconv-lite` and `encoding-japanese`: the legacy charset tables (about 580 KB), for text
 *   that is neither UTF-8 nor US-ASCII;
 * - `re2js`: the linear-time engine for user patterns, for configurations that have any;
 * - `file-type`: content sniffing, for attachment rules that match true types.
 *
 * They are loaded with a `require` bundlers do not follow, so a bundle (the Lambda's) must ship
 * them, and what they depend on, as packages beside it; the CDK construct does.
 */
export const ON_DEMAND_PACKAGES = ['iconv-lite', 'encoding-japanese', 're2js', 'file-type'] as const;

/** One of {@link ON_DEMAND_PACKAGES}. */
export type OnDemandPackage = (typeof ON_DEMAND_PACKAGES)[number];

const requireHere = createRequire(import.meta.url);
const loaded = new Map<OnDemandPackage, unknown>();

/**
 * The package `name`, loaded on the first call (synchronously: callers are synchronous text
 * and pattern code). Node 20.19+ loads ES module packages this way too.
 */
export function loadOnDemand<T>(name: OnDemandPackage): T {
  let mod = loaded.get(name);
  if (mod === undefined) {
    mod = requireHere(name);
    loaded.set(name, mod);
  }
  return mod as T;
}
