// Portable tasks for the group tests: module-level generator functions any scheduler can import.
import { threadId } from 'node:worker_threads';
import { checkpoint } from '../../dist/index.js';

export function* where() {
  yield;
  return threadId;
}

export function* sum(n) {
  let total = 0;
  for (let i = 1; i <= n; i++) {
    total += i;
    if (i % 100 === 0) yield;
  }
  return total;
}

export function* boom(message) {
  yield;
  throw new Error(message);
}

export function* crash() {
  yield;
  process.exit(3);
}

/** Dies of an uncaught error thrown outside any task, in a timer callback. */
export function* throwOutside() {
  setTimeout(() => {
    throw new Error('uncaught in the worker');
  });
  for (;;) yield;
}

/** Keeps every array it makes until the worker's heap limit kills the thread. */
export function* hog() {
  const kept = [];
  for (;;) {
    kept.push(new Array(1 << 16).fill(kept.length));
    yield;
  }
}

export function* forever() {
  for (;;) yield;
}

/** CPU-bound and migratable: saves its state every 1,000 steps; reports the threads it ran on. */
export function* grind(state) {
  for (; state.i < state.n; state.i++) {
    state.x = (state.x * 1103515245 + 12345) % 2147483648;
    if (state.i % 1000 === 0) {
      if (!state.threads.includes(threadId)) state.threads.push(threadId);
      yield* checkpoint(state);
    }
  }
  if (!state.threads.includes(threadId)) state.threads.push(threadId);
  return state.threads;
}
