import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The proposal written in cl-style runs against the built package, as a user would run it, and
// exits by itself.
it('the proposal example prints the interleaving, copy and share, the affinity hint and the heap limit', async () => {
  const example = fileURLToPath(new URL('../examples/proposal.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [example], { timeout: 20_000 });
  expect(stdout).toBe(
    [
      'ant, bee, cat took turns: ant0 bee0 cat0 ant1 bee1 cat1 ant2 bee2 cat2',
      "copy: the worker's box says 1, ours still 0",
      "share: the worker's box says 1, and so does ours: 1",
      'share across cores: the worker on core 1 says 2, ours still 1',
      'share of shared memory across cores: the worker says 1, ours too: 1',
      'hog: cleanup forms ran',
      'hog: ended with max_heap_size; alive: false',
      '',
    ].join('\n'),
  );
}, 30_000); // longer than the example's own 20 s, so that its timeout is the one that reports
