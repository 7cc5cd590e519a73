import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

// The README's example and the demo run against the built package, as a user would run them.
// Each starts a Node process: far slower than the default 5 s allow on a loaded machine.
describe('examples', { timeout: 30_000 }, () => {
  it('quick-start prints what the README says', async () => {
    const { stdout } = await run(process.execPath, [example('quick-start.mjs')], { timeout: 20_000 });
    expect(stdout).toBe(
      [
        'in use: 8192 bytes in 1 block',
        'limit hit: arena limit of 262144 bytes exceeded: 8192 in use, 8000000 more requested',
        'blocks in use after release: 0',
        'shared heap allocations: 0',
        '',
      ].join('\n'),
    );
  });

  it('the multi-threaded demo gives every block back', async () => {
    const { stdout } = await run(process.execPath, [example('processes.mjs')], {
      env: { ...process.env, PROCESSES: '2000' },
      timeout: 20_000,
    });
    expect(stdout).toMatch(/2,000 processes, 2 exited with max_heap_size/);
    expect(stdout).toMatch(/, 0 still in use/);
    expect(stdout).toMatch(/shared heap: 0 allocations left, 1 free range/);
  });
});
