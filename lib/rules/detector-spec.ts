import type { Detector } from '../redaction/detector.js';
import { BUILTIN_DETECTOR_IDS, customPatternProblem, customRegexDetector, getBuiltinDetector } from '../redaction/registry.js';
import { didYouMean } from './suggest.js';

/** A detector in JSON: a built-in id (`payment-card`) or a custom pattern. */
export type DetectorSpec = string | { id?: string | undefined; pattern: string; flags?: string | undefined };

/** Problems with detector specs, each with a path relative to the list's owner (`detectors`, i). */
export function detectorProblems(specs: readonly DetectorSpec[]): { path: (string | number)[]; message: string }[] {
  return specs.flatMap((spec, i) => {
    if (typeof spec === 'string') {
      return getBuiltinDetector(spec) ? [] : [{ path: ['detectors', i], message: `unknown detector "${spec}"${didYouMean(spec, BUILTIN_DETECTOR_IDS)}` }];
    }
    const problem = customPatternProblem(spec.pattern, spec.flags);
    return problem ? [{ path: ['detectors', i, 'pattern'], message: problem }] : [];
  });
}

/**
 * The detector a (validated) spec names; custom ones are `custom-<n>` unless given an id.
 * @throws RedactionError for an unknown id or a bad pattern (configuration validates both first).
 */
export function toDetector(spec: DetectorSpec, i: number): Detector {
  if (typeof spec !== 'string') return customRegexDetector(spec.id ?? `custom-${i + 1}`, spec.pattern, spec.flags);
  const detector = getBuiltinDetector(spec);
  if (!detector) throw new Error(`unknown detector "${spec}"${didYouMean(spec, BUILTIN_DETECTOR_IDS)}`);
  return detector;
}
