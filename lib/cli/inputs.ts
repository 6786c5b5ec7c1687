import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/** Expands files and folders into `.eml` files (folders recursively, sorted). */
export function collectEmlFiles(inputs: readonly string[]): string[] {
  if (!inputs.length) throw new UsageError('no messages given: name .eml files or folders');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.toLowerCase().endsWith('.eml')) out.push(full);
    }
  };
  for (const input of inputs) {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(input);
    } catch {
      throw new UsageError(`${input}: no such file or folder`);
    }
    if (stat.isDirectory()) walk(input);
    else out.push(input);
  }
  if (!out.length) throw new UsageError(`no .eml files in ${inputs.join(', ')}`);
  return out;
}

/** The in-transit id the emulator serves a file under: lower-case, `[a-z0-9-]` only. */
export function messageIdForFile(file: string): string {
  return (
    path
      .basename(file)
      .replace(/\.eml$/i, '')
      .toLowerCase()
      .replace(/[^a-z0-9-]/g, '-')
      .slice(0, 120) || 'message'
  );
}
