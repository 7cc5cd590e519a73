import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The kv-store example runs against the built package, prints what its README shows, and exits by itself.
it('the kv-store example prints what its README says', async () => {
  const folder = new URL('../examples/kv-store/', import.meta.url);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [fileURLToPath(new URL('main.mjs', folder))],
    {
      timeout: 20_000,
    },
  );
  const readme = await readFile(new URL('README.md', folder), 'utf8');
  const shown = readme.match(/```\n(alice[\s\S]*?)```/)?.[1];
  expect(shown).toBeDefined();
  expect(stdout).toBe(shown);
}, 30_000); // longer than the example's own 20 s, so that its timeout is the one that reports
