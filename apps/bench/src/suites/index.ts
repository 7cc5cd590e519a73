import type { Suite } from '../suite.js';

/**
 * Every suite, by CLI name. Each entry is a dynamic import, so a run loads only the suites it
 * selected (and each suite is its own chunk in `dist/suites/`).
 */
export const suites: Record<string, () => Promise<Suite>> = {
  actors: () => import('./actors.js').then((m) => m.default),
  arena: () => import('./arena.js').then((m) => m.default),
  lfqueue: () => import('./lfqueue.js').then((m) => m.default),
  scheduler: () => import('./scheduler.js').then((m) => m.default),
  servers: () => import('./servers.js').then((m) => m.default),
};
