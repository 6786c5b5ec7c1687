/** A match of a detector: `text.slice(start, end) === value`. */
export interface DetectorMatch {
  start: number;
  end: number;
  value: string;
}

/** Finds one kind of sensitive data in text, with validation beyond a regular expression. */
export interface Detector {
  /** Stable id, used in configuration and in the per-detector counts. */
  readonly id: string;
  /** Non-overlapping matches, sorted by position. Never throws on any string. */
  find(text: string): DetectorMatch[];
}

/**
 * A detector from a trusted (built-in) regular expression: every match `accept` approves, given
 * the match and the whole text for context. A rejected match does not hide a later candidate
 * that starts inside it: scanning resumes one character after its start.
 */
export function regexDetector(id: string, re: RegExp, accept: (value: string, start: number, text: string) => boolean = () => true): Detector {
  const flags = re.flags.includes('g') ? re.flags : `${re.flags}g`;
  return {
    id,
    find(text) {
      // A fresh RegExp per call: `lastIndex` state is never shared between calls.
      const global = new RegExp(re.source, flags);
      const out: DetectorMatch[] = [];
      for (let m = global.exec(text); m; m = global.exec(text)) {
        const value = m[0];
        if (value.length > 0 && accept(value, m.index, text)) {
          out.push({ start: m.index, end: m.index + value.length, value });
        } else {
          global.lastIndex = m.index + 1;
        }
      }
      return out;
    },
  };
}
