import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'arena', include: ['test/**/*.test.ts'] },
});
