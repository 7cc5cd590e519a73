import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The README's tour runs against the built package, as a user would run it, and exits by itself.
it('quick-start prints what the README says', async () => {
  const example = fileURLToPath(new URL('../examples/quick-start.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [example], { timeout: 20_000 });
  expect(stdout).toBe('HELLO\n');
}, 30_000);
