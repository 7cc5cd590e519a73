import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The README's first example runs against the built package, as a user would run it.
it('quick-start prints what the README says', async () => {
  const example = fileURLToPath(new URL('../examples/quick-start.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [example]);
  expect(stdout).toBe("a0 b0 a1 b1 a2 b2 [ 'a', 'b' ]\n");
});
