import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'cl-style', include: ['test/**/*.test.ts'] },
});
