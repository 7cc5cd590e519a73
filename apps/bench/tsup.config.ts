import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

/** The `.ts` files directly in `dir`, each to be its own entry. */
const entriesIn = (dir: string) =>
  readdirSync(dir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => `${dir}/${file}`);

export default defineConfig({
  // Every suite is its own entry, so `dist/suites/<name>.js` is loaded only when that suite is
  // selected. Every worker is one too: Node 20 cannot run a `.ts` file in a worker, so a suite starts
  // `dist/workers/<name>.js`, found relative to its own built file.
  entry: ['src/cli.ts', ...entriesIn('src/suites'), ...entriesIn('src/workers')],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // The `#!/usr/bin/env node` banner comes from the first line of src/cli.ts: esbuild keeps an entry's
  // hashbang and tsup marks that file executable, so only dist/cli.js gets it (a `banner` option
  // would go on every suite chunk too).
});
