import { describe, expect, it } from 'vitest';
import { Progress } from '../../lib/cli/progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) > 0 } as unknown as NodeJS.WriteStream, writes };
}

describe('Progress', () => {
  it('draws a bar on an interactive terminal and clears it at the end', () => {
    const { stream, writes } = fakeStream(true);
    const p = new Progress(4, stream);
    p.update(1, 'a.eml');
    p.update(2, 'b.eml');
    p.done();
    expect(writes[0]).toMatch(/^\r\[#{6} {18}\] 1\/4 a\.eml/);
    expect(writes[1]).toMatch(/^\r\[#{12} {12}\] 2\/4 b\.eml/);
    expect(writes[2]).toBe('\r\x1b[K');
  });

  it('stays silent when output is not a terminal or there is one file', () => {
    const piped = fakeStream(false);
    new Progress(4, piped.stream).update(1, 'a.eml');
    const single = fakeStream(true);
    new Progress(1, single.stream).update(0, 'a.eml');
    expect([...piped.writes, ...single.writes]).toEqual([]);
  });
});
