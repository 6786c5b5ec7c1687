import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
/**
 * The external public corpus (read-only, never copied in), when `WMFLOW_CORPUS_DIR` names it
 * (`.ci/run` sets it). Tests over it say in one line when it is absent.
 */
export const CORPUS_DIR: string | undefined = process.env.WMFLOW_CORPUS_DIR ? path.resolve(process.env.WMFLOW_CORPUS_DIR) : undefined;
/** The project's own fixtures. */
export const SAMPLES_DIR = path.resolve(here, '../../samples');

/** Sorted absolute paths of the `.eml` files in `dir` (none if it is unset or does not exist). */
export function emlFiles(dir: string | undefined): string[] {
  if (!dir || !existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** The corpus messages, or none (the run's last lines then say why: {@link corpusAbsence}). */
export function corpusFiles(): string[] {
  return emlFiles(CORPUS_DIR);
}

/** Why the corpus tests did not run, in one line, or undefined when they did. */
export function corpusAbsence(): string | undefined {
  if (emlFiles(CORPUS_DIR).length) return undefined;
  return CORPUS_DIR
    ? `corpus tests did not run: WMFLOW_CORPUS_DIR=${CORPUS_DIR} has no .eml files`
    : 'corpus tests did not run: set WMFLOW_CORPUS_DIR to the public corpus folder (.ci/run does)';
}

/** Every corpus and sample message as `[label, bytes]`. */
export function allMessages(): [string, Buffer][] {
  return [...corpusFiles(), ...emlFiles(SAMPLES_DIR)].map((f) => [`${path.basename(path.dirname(f))}/${path.basename(f)}`, readFileSync(f)]);
}

/** Reads one sample by file name. */
export function sample(name: string): Buffer {
  return readFileSync(path.join(SAMPLES_DIR, name));
}

/** Builds a message from lines joined with CRLF (or `eol`). */
export function mail(lines: string[], eol = '\r\n'): Buffer {
  return Buffer.from(lines.join(eol), 'utf8');
}
