import { defineConfig } from 'vitest/config';

// One vitest project per package, and one for the build's own tools; `npx vitest run` at the root runs them all.
export default defineConfig({
  test: {
    projects: ['packages/*', 'build'],
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
  },
});
