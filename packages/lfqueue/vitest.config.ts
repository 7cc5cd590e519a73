import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'lfqueue', include: ['test/**/*.test.ts'] },
});
