import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

// The README's example runs against the built package, as a user would run it.
it('quick-start prints what the README says', async () => {
  const example = fileURLToPath(new URL('../examples/quick-start.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [example], { timeout: 20_000 });
  expect(stdout).toBe(
    ['received 200000 values in order from 2 threads, sum 19999900000', 'queue empty again: true', ''].join(
      '\n',
    ),
  );
}, 30_000); // longer than the example's own 20 s, so that its timeout is the one that reports
