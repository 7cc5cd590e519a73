import { defineConfig } from 'vitest/config';

// One vitest project per package; `npx vitest run` at the root runs them all.
export default defineConfig({
  test: {
    projects: ['packages/*'],
    reporters: ['default', './scripts/plain-summary-reporter.ts'],
  },
});
