import type { Reporter, TestModule } from 'vitest/node';
import { corpusAbsence } from './samples.js';

/**
 * Ends the run with one plain line, `tests: N passed, N failed, N skipped`, the closing line
 * CI tools read in any language (vitest's own summary is decorated), after one line saying the
 * corpus tests did not run when WMFLOW_CORPUS_DIR names no corpus.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (module.state() === 'failed' && ![...module.children.allTests()].length) failed++;
    }
    const absence = corpusAbsence();
    process.stdout.write(`${absence ? `\n${absence}` : ''}\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
