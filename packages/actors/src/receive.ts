import { Park } from '@beamish/scheduler';
import { currentProcess } from './current.js';
import { type Matched, matches } from './patterns.js';

/** The park of a receive without a timeout: one instance for all, nothing allocated per wait. */
const WAIT_FOR_EVER = new Park();
const CLAUSE = Symbol('beamish.clause');
const AFTER = Symbol('beamish.after');

/** One `receive` clause: a pattern, and what to do with a message that matches it. */
export interface Clause<R> {
  readonly [CLAUSE]: true;
  readonly pattern: unknown;
  readonly handler: ((message: never) => unknown) | undefined;
  /** Only there for the type: what the clause makes `receive` return. */
  readonly result?: R;
}

/** The timeout clause of a `receive`. */
export interface After<R> {
  readonly [AFTER]: true;
  readonly ms: number;
  readonly handler: (() => unknown) | undefined;
  readonly result?: R;
}

/** What a handler may return: a value, or a generator whose value is the result (it runs as part of the process). */
export type HandlerResult<R> = R | Generator<unknown, R, unknown>;

/**
 * A `receive` clause: messages matching `pattern` (see the patterns module) are taken by it, and
 * `handler`'s result (or the message itself, without a handler) is what `receive` returns.
 *
 * @example
 * ```ts
 * const reply = yield* receive(
 *   on(['add', isNumber, isNumber], ([, a, b]) => a + b),
 *   on({ type: 'stop' }, () => 'stopping'),
 * );
 * ```
 */
export function on<const P>(pattern: P): Clause<Matched<P>>;
export function on<const P, R>(pattern: P, handler: (message: Matched<P>) => HandlerResult<R>): Clause<R>;
export function on(pattern: unknown, handler?: (message: never) => unknown): Clause<unknown> {
  if (handler !== undefined && typeof handler !== 'function') {
    throw new TypeError(`handler must be a function, got ${typeof handler}`);
  }
  return { [CLAUSE]: true, pattern, handler };
}

/**
 * The timeout of a `receive`: when no message matches within `ms` milliseconds, `receive` returns
 * `handler()` (or `undefined`). `after(0)` polls: it looks at the mailbox once and does not wait.
 *
 * @throws RangeError when `ms` is negative or not a number (`Infinity` waits for ever).
 */
export function after(ms: number): After<undefined>;
export function after<R>(ms: number, handler: () => HandlerResult<R>): After<R>;
export function after(ms: number, handler?: () => unknown): After<unknown> {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`ms must be a number of milliseconds, 0 or more, got ${String(ms)}`);
  }
  if (handler !== undefined && typeof handler !== 'function') {
    throw new TypeError(`handler must be a function, got ${typeof handler}`);
  }
  return { [AFTER]: true, ms, handler };
}

/** What a clause makes `receive` return. */
export type ResultOf<C> = C extends Clause<infer R> ? R : C extends After<infer R> ? R : never;
/** Without `on` clauses a receive takes any message, so its result is `unknown`. */
export type ReceiveResult<C extends unknown[]> = [Extract<C[number], Clause<unknown>>] extends [never]
  ? unknown
  : ResultOf<C[number]>;

const isGenerator = (value: unknown): value is Generator<unknown, unknown, unknown> =>
  Object.prototype.toString.call(value) === '[object Generator]';

/**
 * Takes the oldest message that matches one of `clauses` from the calling process's mailbox, waiting
 * for one if need be; messages that match no clause stay in the mailbox, in order. Without clauses
 * it takes the oldest message, whatever it is. Use it with `yield*`.
 *
 * @example
 * ```ts
 * const message = yield* receive(); // any message
 * const n = yield* receive(on(['count', isNumber], ([, n]) => n), after(100, () => 0));
 * ```
 * @throws TypeError outside a process, or for an argument that is not `on(…)` or `after(…)`, or for
 *   more than one `after`.
 */
export function receive(): Generator<unknown, unknown, unknown>;
export function receive<C extends Array<Clause<unknown> | After<unknown>>>(
  ...clauses: C
): Generator<unknown, ReceiveResult<C>, unknown>;
export function* receive(
  ...clauses: Array<Clause<unknown> | After<unknown>>
): Generator<unknown, unknown, unknown> {
  const proc = currentProcess('receive');
  // Checked once; nothing is made per call beyond the clauses array itself.
  let timeout: After<unknown> | undefined;
  let anyPattern = false;
  for (let i = 0; i < clauses.length; i++) {
    const clause = clauses[i];
    if (typeof clause === 'object' && clause !== null && AFTER in clause) {
      if (timeout !== undefined) throw new TypeError('clauses: a receive takes one after(…) at most');
      timeout = clause;
    } else if (typeof clause === 'object' && clause !== null && CLAUSE in clause) anyPattern = true;
    else throw new TypeError(`clauses[${i}] must be on(pattern, handler?) or after(ms, handler?)`);
  }
  const deadline =
    timeout === undefined || timeout.ms === Number.POSITIVE_INFINITY
      ? Number.POSITIVE_INFINITY
      : performance.now() + timeout.ms;
  let index = proc.head;
  for (;;) {
    const mailbox = proc.mailbox;
    for (; index < mailbox.length; index++) {
      const message = mailbox[index];
      if (!anyPattern) {
        proc.take(index);
        return message;
      }
      for (let c = 0; c < clauses.length; c++) {
        const clause = clauses[c];
        if (clause === timeout) continue;
        const { pattern, handler } = clause as Clause<unknown>;
        if (!matches(pattern, message)) continue;
        proc.take(index);
        if (handler === undefined) return message;
        const result = (handler as (message: unknown) => unknown)(message);
        return isGenerator(result) ? yield* result : result;
      }
    }
    // While this receive waits the mailbox only grows (only the process takes messages), so
    // `index` stays right.
    if (deadline === Number.POSITIVE_INFINITY) {
      yield WAIT_FOR_EVER;
      continue;
    }
    const remaining = deadline - performance.now();
    if (remaining <= 0) {
      const result = (timeout as After<unknown>).handler?.();
      return isGenerator(result) ? yield* result : result;
    }
    // Woken by a new message (rescan from `index`) or by the timeout (the check above ends it).
    yield new Park(remaining);
  }
}
