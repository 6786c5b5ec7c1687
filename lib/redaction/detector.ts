/** A match of a detector in a text. */
export interface DetectorMatch {
  start: number;
  end: number;
  value: string;
}

/** Finds one kind of sensitive data in text, with validation beyond a regular expression. */
export interface Detector {
  readonly id: string;
  /** Non-overlapping matches, in order. */
  find(text: string): DetectorMatch[];
}

/** Runs a global regex and keeps the matches `accept` validates. */
export function regexDetector(id: string, re: RegExp, accept: (value: string) => boolean = () => true): Detector {
  const global = new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`);
  return {
    id,
    find(text) {
      const out: DetectorMatch[] = [];
      global.lastIndex = 0;
      for (let m = global.exec(text); m; m = global.exec(text)) {
        if (m[0].length === 0) {
          global.lastIndex++;
          continue;
        }
        if (accept(m[0])) out.push({ start: m.index, end: m.index + m[0].length, value: m[0] });
      }
      return out;
    },
  };
}
