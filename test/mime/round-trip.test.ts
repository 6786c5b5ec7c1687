import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../lib/mime/parse.js';

const corpusDir = path.resolve(import.meta.dirname, '../../../shared/corpus');
const samplesDir = path.resolve(import.meta.dirname, '../../samples');

function emlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((f) => path.join(dir, f));
}

describe('exact round trip', () => {
  const files = [...emlFiles(corpusDir), ...emlFiles(samplesDir)];

  it('finds the public corpus beside the checkout', () => {
    expect(emlFiles(corpusDir).length).toBeGreaterThanOrEqual(17);
  });

  it.each(files.map((f) => [path.relative(path.resolve(import.meta.dirname, '../../..'), f), f]))(
    '%s serialises back to its exact bytes',
    async (_name, file) => {
      const input = readFileSync(file);
      const message = await parseMessage(input);
      const output = message.toBuffer();
      expect(output.equals(input)).toBe(true);
      expect(message.modified).toBe(false);
    },
  );
});
