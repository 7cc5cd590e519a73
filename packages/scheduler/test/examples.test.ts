import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The README's first example runs against the built package, as a user would run it.
it('quick-start prints what the README says', async () => {
  const example = fileURLToPath(new URL('../examples/quick-start.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [example], { timeout: 20_000 });
  expect(stdout).toBe("a0 b0 a1 b1 a2 b2 [ 'a', 'b' ]\n");
}, 30_000);

it('the demo places, rebalances and survives a crash on every core', async () => {
  const demo = fileURLToPath(new URL('../examples/demo.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [demo], { timeout: 60_000 });
  expect(stdout).toMatch(/^\d+ schedulers on \d+ cores/);
  expect(stdout).toMatch(/10,000 portable tasks in \d+ ms/);
  const perThread = [...stdout.matchAll(/ {2}thread \d+: ([\d,]+)/g)].map((m) =>
    Number(m[1]?.replace(/,/g, '')),
  );
  expect(perThread.reduce((a, b) => a + b, 0)).toBe(10_000);
  if (perThread.length > 1) {
    expect(stdout).toContain('its tasks ended with scheduler_down, scheduler_down');
    expect(stdout).toMatch(/its replacement \(thread \d+\) returned 5050/);
  }
}, 90_000); // longer than the demo's own 60 s, so that its timeout is the one that reports
