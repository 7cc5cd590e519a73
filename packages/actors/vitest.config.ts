import { defineProject } from 'vitest/config';

export default defineProject({
  test: { name: 'actors', include: ['test/**/*.test.ts'] },
});
