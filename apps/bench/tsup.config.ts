import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

/** Every suite is its own entry, so `dist/suites/<name>.js` is loaded only when that suite is selected. */
const suiteEntries = readdirSync('src/suites')
  .filter((file) => file.endsWith('.ts'))
  .map((file) => `src/suites/${file}`);

export default defineConfig({
  entry: ['src/cli.ts', ...suiteEntries],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  clean: true,
  sourcemap: true,
  // The `#!/usr/bin/env node` banner comes from the first line of src/cli.ts: esbuild keeps an entry's
  // hashbang and tsup marks that file executable, so only dist/cli.js gets it (a `banner` option
  // would go on every suite chunk too).
});
