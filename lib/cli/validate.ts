import { readFileSync } from 'node:fs';
import { checkUpdatedContent, type ContentProblem } from '../workmail/content-checks.js';

/** Reports what WorkMail would reject in each message, were it handed over as updated content. */
export async function validate(
  files: string[],
  json: boolean,
  write: (line: string) => void,
): Promise<{ file: string; problems: ContentProblem[]; error?: string }[]> {
  const results: { file: string; problems: ContentProblem[]; error?: string }[] = [];
  for (const file of files) {
    try {
      const bytes = readFileSync(file);
      results.push({ file, problems: await checkUpdatedContent(bytes, bytes) });
    } catch (err) {
      results.push({ file, problems: [], error: err instanceof Error ? err.message : String(err) });
    }
    const r = results[results.length - 1]!;
    if (!json) {
      const errors = r.problems.filter((p) => p.severity === 'error');
      write(`${r.error ? 'ERROR' : errors.length ? 'REJECT' : 'OK'} ${file}`);
      if (r.error) write(`  ${r.error}`);
      for (const p of r.problems) write(`  ${p.severity}: ${p.message}`);
    }
  }
  if (json) write(JSON.stringify(results, null, 2));
  return results;
}
