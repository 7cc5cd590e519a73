// Portable tasks for the demo: module-level generator functions that any scheduler imports by URL.
import { threadId } from 'node:worker_threads';
import { checkpoint } from '@beamish/scheduler';

/** A small task: sums 1..n a thousand numbers per slice, and says which thread it ran on. */
export function* sum(n) {
  let total = 0;
  for (let i = 1; i <= n; i++) {
    total += i;
    if (i % 1000 === 0) yield;
  }
  return { total, threadId };
}

/** CPU-bound and migratable: saves its state every 1,000 steps, so rebalancing may move it. */
export function* grind(state) {
  for (; state.i < state.n; state.i++) {
    state.x = (state.x * 1103515245 + 12345) % 2147483648;
    if (state.i % 1000 === 0) yield* checkpoint(state);
  }
  return state.x;
}

/** Takes its whole worker thread down. */
export function* crash() {
  yield;
  process.exit(1);
}
