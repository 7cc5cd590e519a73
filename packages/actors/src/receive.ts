import { Park } from '@beamish/scheduler';
import { currentProcess } from './current.js';
import { type Matched, matches } from './patterns.js';
import { isEmpty, type Process } from './process.js';

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

/**
 * True for a generator, or an iterator that says it is one (a `receive`): what a handler, a server
 * callback or a form may return to run as part of the process, with `yield*`.
 *
 * @example
 * ```ts
 * const result = handler(message);
 * const value = isGenerator(result) ? yield* result : result;
 * ```
 */
export const isGenerator = (value: unknown): value is Generator<unknown, unknown, unknown> =>
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
 * @throws TypeError outside a process (without clauses, when it runs), for an argument that is not
 *   `on(…)` or `after(…)`, or for more than one `after`.
 */
export function receive(): Generator<unknown, unknown, unknown>;
export function receive<C extends Array<Clause<unknown> | After<unknown>>>(
  ...clauses: C
): Generator<unknown, ReceiveResult<C>, unknown>;
export function receive(
  ...clauses: Array<Clause<unknown> | After<unknown>>
): Generator<unknown, unknown, unknown> {
  // The receive without clauses finds its process when it runs, which `yield*` makes it do at once.
  return clauses.length === 0 ? ANY_MESSAGE : new Receiving(currentProcess('receive'), clauses);
}

/** The result of a step that waits, or that ends the receive with `value`. */
const step = (done: boolean, value: unknown): IteratorResult<unknown, unknown> =>
  ({ done, value }) as IteratorResult<unknown, unknown>;

/** What a receive yields to wait for a message without a timeout: one object for every wait. */
const WAITING: IteratorResult<unknown, unknown> = Object.freeze({ done: false, value: Park.forever });

/**
 * A receive without clauses. It has no state — it takes the oldest message of the process that runs
 * it, or waits — so one object serves every process: the commonest receive allocates nothing, and a
 * process waiting in it carries no receive of its own.
 */
class AnyMessage implements Generator<unknown, unknown, unknown> {
  next(): IteratorResult<unknown, unknown> {
    const message = currentProcess('receive').takeOldestIfAny();
    // A literal rather than a call to `step`: nothing to inline on the path every message takes.
    return isEmpty(message) ? WAITING : ({ done: true, value: message } as IteratorResult<unknown, unknown>);
  }

  throw(error: unknown): IteratorResult<unknown, unknown> {
    throw error;
  }

  return(value?: unknown): IteratorResult<unknown, unknown> {
    return step(true, value);
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** A receive that a handler returns is run like a generator (see `isGenerator`). */
  get [Symbol.toStringTag](): string {
    return 'Generator';
  }
}
const ANY_MESSAGE = new AnyMessage();

/**
 * A receive in progress: the iterator that `yield*` drives. Written by hand rather than as a
 * generator because a waiting process is mostly the receive it waits in, and this weighs a third of
 * a suspended generator with its registers.
 */
class Receiving implements Generator<unknown, unknown, unknown> {
  readonly #proc: Process;
  readonly #clauses: ReadonlyArray<Clause<unknown> | After<unknown>>;
  readonly #timeout: After<unknown> | undefined;
  /** Whether any clause has a pattern; without one, any message is taken. */
  readonly #selective: boolean;
  readonly #deadline: number;
  /** Where to look next: while a receive waits the mailbox only grows (only its process takes). */
  #index: number;
  /** The generator a handler returned: it runs as part of the receive, and its value is the result. */
  #handler: Generator<unknown, unknown, unknown> | undefined = undefined;

  constructor(proc: Process, clauses: ReadonlyArray<Clause<unknown> | After<unknown>>) {
    let timeout: After<unknown> | undefined;
    let selective = false;
    for (let i = 0; i < clauses.length; i++) {
      const clause = clauses[i];
      if (typeof clause === 'object' && clause !== null && AFTER in clause) {
        if (timeout !== undefined) throw new TypeError('clauses: a receive takes one after(…) at most');
        timeout = clause;
      } else if (typeof clause === 'object' && clause !== null && CLAUSE in clause) selective = true;
      else throw new TypeError(`clauses[${i}] must be on(pattern, handler?) or after(ms, handler?)`);
    }
    this.#proc = proc;
    this.#clauses = clauses;
    this.#timeout = timeout;
    this.#selective = selective;
    this.#deadline =
      timeout === undefined || timeout.ms === Number.POSITIVE_INFINITY
        ? Number.POSITIVE_INFINITY
        : performance.now() + timeout.ms;
    this.#index = proc.head;
  }

  next(value?: unknown): IteratorResult<unknown, unknown> {
    if (this.#handler !== undefined) return this.#handled(this.#handler.next(value));
    const proc = this.#proc;
    if (!this.#selective) {
      const message = proc.takeOldestIfAny();
      if (!isEmpty(message)) return step(true, message);
    } else {
      const mailbox = proc.messages();
      for (; this.#index < mailbox.length; this.#index++) {
        const message = mailbox[this.#index];
        const clause = this.#match(message);
        if (clause === undefined) continue;
        proc.take(this.#index);
        return clause.handler === undefined
          ? step(true, message)
          : this.#run(clause.handler(message as never));
      }
    }
    if (this.#deadline === Number.POSITIVE_INFINITY) return WAITING;
    const remaining = this.#deadline - performance.now();
    if (remaining <= 0) return this.#run((this.#timeout as After<unknown>).handler?.());
    // Woken by a new message (looked at from #index on) or by the timeout (which ends it above).
    return step(false, new Park(remaining));
  }

  throw(error: unknown): IteratorResult<unknown, unknown> {
    if (this.#handler !== undefined) return this.#handled(this.#handler.throw(error));
    throw error;
  }

  return(value?: unknown): IteratorResult<unknown, unknown> {
    if (this.#handler !== undefined) return this.#handled(this.#handler.return(value));
    return step(true, value);
  }

  [Symbol.iterator](): this {
    return this;
  }

  /** A receive that a handler returns is run like a generator (see `isGenerator`). */
  get [Symbol.toStringTag](): string {
    return 'Generator';
  }

  /** The first clause whose pattern `message` matches. */
  #match(message: unknown): Clause<unknown> | undefined {
    const clauses = this.#clauses;
    for (let c = 0; c < clauses.length; c++) {
      const clause = clauses[c];
      if (clause !== this.#timeout && matches((clause as Clause<unknown>).pattern, message))
        return clause as Clause<unknown>;
    }
    return undefined;
  }

  /** Ends the receive with a handler's result, or runs it first if it is a generator. */
  #run(result: unknown): IteratorResult<unknown, unknown> {
    if (!isGenerator(result)) return step(true, result);
    this.#handler = result;
    return this.#handled(result.next());
  }

  #handled(result: IteratorResult<unknown, unknown>): IteratorResult<unknown, unknown> {
    if (result.done) this.#handler = undefined;
    return result;
  }
}
