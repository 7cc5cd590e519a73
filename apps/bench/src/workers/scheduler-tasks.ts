/**
 * Portable tasks for the scheduler suite: module-level generator functions that any scheduler of a
 * group imports by URL (`dist/workers/scheduler-tasks.js`).
 */
import { checkpoint } from '@beamish/scheduler';

export interface GrindState {
  i: number;
  n: number;
  x: number;
}

/** CPU-bound and migratable: a linear congruential walk that saves its state every 1,000 steps. */
export function* grind(state: GrindState): Generator<unknown, number, unknown> {
  for (; state.i < state.n; state.i++) {
    state.x = (state.x * 1103515245 + 12345) % 2147483648;
    if (state.i % 1000 === 0) yield* checkpoint(state);
  }
  return state.x;
}

/** A tiny task: one slice, then its result. */
export function* tiny(n: number): Generator<unknown, number, unknown> {
  yield;
  return n + 1;
}
