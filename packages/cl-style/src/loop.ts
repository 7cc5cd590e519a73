import type { CompoundForm, Form, ValueOf } from './api.js';
import { describe } from './describe.js';
import { checkForm, compound, isGenerator } from './progn.js';

const DONE = Symbol('beamish.cl-style.done');

/** What a `loop` form returns to end the loop with `value` (see `done`). */
export interface Done<T> {
  readonly [DONE]: true;
  readonly value: T;
}

/** The value a `loop` over form `F` ends with: what `F` passes to `done`. */
export type LoopValue<F> = ValueOf<F> extends infer V ? (V extends Done<infer T> ? T : never) : never;

/**
 * Ends the enclosing `loop` with `value` when its form returns it (Lisp's `(return value)` inside
 * LOOP).
 *
 * @example
 * ```ts
 * let n = 0;
 * const ten = yield* loop(() => (++n === 10 ? done(n) : undefined)); // 10
 * ```
 */
export function done(): Done<undefined>;
export function done<T>(value: T): Done<T>;
export function done(value?: unknown): Done<unknown> {
  return { [DONE]: true, value };
}

const isDone = (value: unknown): value is Done<unknown> =>
  typeof value === 'object' && value !== null && DONE in value;

/**
 * Lisp's simple LOOP: evaluates `form` over and over, one time slice per round, until it returns
 * `done(value)`; the loop's value is `value`. A loop whose form never returns `done` runs until the
 * worker ends.
 *
 * @example
 * ```ts
 * withWorker({ name: 'echo' }, loop(receive(
 *   [[isPid, isString], ([from, text]) => send(from, text)],
 *   ['stop', () => done('stopped')],
 * )));
 * ```
 * @throws TypeError when `form` is not a function.
 */
export function loop<F extends Form>(form: F): CompoundForm<LoopValue<F>> {
  checkForm('form', form);
  return compound(function* () {
    for (;;) {
      const result = form();
      const value = isGenerator(result) ? yield* result : result;
      if (isDone(value)) return value.value;
      yield;
    }
  });
}

/**
 * Lisp's DOTIMES: evaluates `form(i)` for `i` from 0 to `count - 1`, one time slice each; its
 * value is `undefined`.
 *
 * @example
 * ```ts
 * withWorker({}, doTimes(3, (i) => console.log('tick', i)));
 * ```
 * @throws RangeError when `count` is not an integer, 0 or more; TypeError when `form` is not a function.
 */
export function doTimes(count: number, form: (index: number) => unknown): CompoundForm<undefined> {
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be an integer, 0 or more, got ${describe(count)}`);
  }
  checkForm('form', form);
  return compound(function* () {
    for (let i = 0; i < count; i++) {
      if (i > 0) yield;
      const result = form(i);
      if (isGenerator(result)) yield* result;
    }
    return undefined;
  });
}
