import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
/** The public corpus beside the checkout (read-only, never copied in). */
export const CORPUS_DIR = path.resolve(here, '../../../shared/corpus');
/** The project's own fixtures. */
export const SAMPLES_DIR = path.resolve(here, '../../samples');

/** Sorted absolute paths of the `.eml` files in `dir` (none if it does not exist). */
export function emlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Every corpus and sample message as `[label, bytes]`. */
export function allMessages(): [string, Buffer][] {
  return [...emlFiles(CORPUS_DIR), ...emlFiles(SAMPLES_DIR)].map((f) => [
    `${path.basename(path.dirname(f))}/${path.basename(f)}`,
    readFileSync(f),
  ]);
}

/** Reads one sample by file name. */
export function sample(name: string): Buffer {
  return readFileSync(path.join(SAMPLES_DIR, name));
}

/** Builds a message from lines joined with CRLF (or `eol`). */
export function mail(lines: string[], eol = '\r\n'): Buffer {
  return Buffer.from(lines.join(eol), 'utf8');
}
