import {
  type After,
  after as afterClause,
  type Clause,
  type Matched,
  on,
  receive as receiveMessage,
} from '@beamish/actors';
import type { CompoundForm } from './api.js';
import { describe } from './describe.js';
import type { ClauseValue } from './handler-case.js';
import { compound } from './progn.js';

const TIMEOUT = Symbol('beamish.cl-style.timeout');

/** The pattern of a `receive`'s timeout clause: `[after(ms), handler]`. */
export interface Timeout {
  readonly [TIMEOUT]: true;
  readonly ms: number;
}

/**
 * A `receive`'s clauses: `[pattern, handler]` pairs, each handler typed by its pattern (see
 * `@beamish/actors`' patterns), and at most one `[after(ms), handler]`.
 */
export type ReceiveClauses<P extends readonly unknown[]> = {
  [K in keyof P]: readonly [
    pattern: P[K],
    handler: P[K] extends Timeout ? () => unknown : (message: Matched<P[K]>) => unknown,
  ];
};

const isTimeout = (pattern: unknown): pattern is Timeout =>
  typeof pattern === 'object' && pattern !== null && TIMEOUT in pattern;

/**
 * The pattern of a timeout clause: `[after(ms), handler]` runs `handler` when no message has
 * matched within `ms` milliseconds (Erlang's `after`). `after(0)` looks at the mailbox once.
 *
 * @example
 * ```ts
 * receive([isNumber, (n) => n], [after(100), () => 'nothing yet']);
 * ```
 * @throws RangeError when `ms` is not a number of milliseconds, 0 or more (`Infinity` waits for ever).
 */
export function after(ms: number): Timeout {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(`ms must be a number of milliseconds, 0 or more, got ${describe(ms)}`);
  }
  return { [TIMEOUT]: true, ms };
}

/**
 * Erlang's selective `receive` as a form with a clause list: takes the oldest message that matches
 * one of the patterns and evaluates to that clause's handler's value (a generator handler runs as
 * part of the worker); messages that match no pattern stay in the mailbox, in order. Without
 * clauses it takes the oldest message.
 *
 * @example
 * ```ts
 * const reply = yield* receive(
 *   [['add', isNumber, isNumber], ([, a, b]) => a + b],
 *   ['stop', () => 'stopping'],
 *   [after(1000), () => 'idle'],
 * ); // number | 'stopping' | 'idle'
 * ```
 * @throws TypeError when a clause is not a `[pattern, handler]` pair, or there are two timeouts, naming it.
 */
export function receive(): CompoundForm<unknown>;
export function receive<const P extends readonly unknown[], C extends readonly unknown[]>(
  ...clauses: ReceiveClauses<P> & C
): CompoundForm<ClauseValue<C[number]>>;
export function receive(...clauses: ReadonlyArray<readonly [unknown, unknown]>): CompoundForm<unknown> {
  // Made once: a receive in a loop builds nothing per round.
  const built: Array<Clause<unknown> | After<unknown>> = [];
  let timed = false;
  clauses.forEach((clause, i) => {
    if (!Array.isArray(clause) || clause.length !== 2 || typeof clause[1] !== 'function') {
      throw new TypeError(`clauses[${i}] must be a [pattern, handler] pair, got ${describe(clause)}`);
    }
    const [pattern, handler] = clause as [unknown, (message: unknown) => unknown];
    if (!isTimeout(pattern)) {
      built.push(on(pattern, handler));
      return;
    }
    if (timed) throw new TypeError(`clauses[${i}]: a receive takes one [after(ms), handler] at most`);
    timed = true;
    built.push(afterClause(pattern.ms, handler as () => unknown));
  });
  return compound(() => receiveMessage(...built));
}
