import { send } from '../api.js';
import type { Pid } from '../pid.js';
import { callFrom } from './call.js';
import { Operation } from './operation.js';
import { CAST, checkTimeout, SHARE } from './protocol.js';
import type { ServerBehaviour } from './server.js';
import { checkOptions, type ServerOptions, startLocalServer, stopServer } from './start-server.js';

/**
 * An Agent holds one value in a process of its own and changes it one request at a time (Elixir's
 * `Agent`): a server whose requests are functions of its state. Functions cannot be copied, so an
 * agent runs on the core that started it and is used from there.
 */
export class Agent<S> {
  /** The agent's process. */
  readonly pid: Pid;

  /** @internal */
  constructor(pid: Pid) {
    this.pid = pid;
  }

  /**
   * What `read` makes of the state.
   *
   * @example
   * ```ts
   * const size = yield* agent.get((cart) => cart.length);
   * ```
   * @param timeoutMs - how long to wait. @defaultValue 5000
   */
  get<R>(read: (state: S) => R, timeoutMs = 5000): Operation<R> {
    return this.#ask('get', 'read', read, timeoutMs) as Operation<R>;
  }

  /**
   * Replaces the state with `change(state)` and waits until it is done.
   *
   * @example
   * ```ts
   * yield* agent.update((cart) => [...cart, item]);
   * ```
   * @param timeoutMs - how long to wait. @defaultValue 5000
   */
  update(change: (state: S) => S, timeoutMs = 5000): Operation<void> {
    return this.#ask('update', 'change', change, timeoutMs) as Operation<void>;
  }

  /**
   * Replaces the state and returns a value, in one step: `change` returns `[value, nextState]`.
   *
   * @example
   * ```ts
   * const ticket = yield* counter.getAndUpdate((n) => [n, n + 1]);
   * ```
   * @param timeoutMs - how long to wait. @defaultValue 5000
   */
  getAndUpdate<R>(change: (state: S) => readonly [R, S], timeoutMs = 5000): Operation<R> {
    return this.#ask('getAndUpdate', 'change', change, timeoutMs) as Operation<R>;
  }

  /**
   * Replaces the state with `change(state)`, without waiting.
   *
   * @example
   * ```ts
   * agent.cast((n) => n + 1);
   * ```
   */
  cast(change: (state: S) => S): void {
    checkFunction('change', change);
    send(this.pid, [CAST, change], SHARE);
  }

  /**
   * Stops the agent and waits until it has exited.
   *
   * @example
   * ```ts
   * yield* agent.stop();
   * ```
   */
  stop(): Operation<void> {
    return stopServer(this.pid);
  }

  /** `what` names the function argument in errors. */
  #ask(kind: string, what: string, fn: unknown, timeoutMs: number): Operation<unknown> {
    checkFunction(what, fn);
    checkTimeout('timeoutMs', timeoutMs);
    const pid = this.pid;
    return new Operation(() => callFrom(pid, [kind, fn], timeoutMs, SHARE));
  }
}

function checkFunction(what: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new TypeError(`${what} must be a function of the state`);
}

const agentServer: ServerBehaviour<
  [() => unknown],
  unknown,
  readonly [string, (state: unknown) => unknown],
  (state: unknown) => unknown
> = {
  init: (initial) => initial(),
  handleCall([kind, fn], _from, state) {
    if (kind === 'get') return ['reply', fn(state), state];
    if (kind === 'update') return ['reply', undefined, fn(state)];
    const [value, next] = fn(state) as [unknown, unknown];
    return ['reply', value, next];
  },
  handleCast: (change, state) => ['noreply', change(state)],
};

/**
 * Starts an agent on this core with the state `initial()` returns: `yield*` it inside a process,
 * `await` it outside.
 *
 * @example
 * ```ts
 * const counter = yield* startAgent(() => 0);
 * counter.cast((n) => n + 1);
 * const n = yield* counter.get((n) => n); // 1
 * ```
 * @param options - `name` to register it, `link` to link it to the caller (`affinity` does not apply).
 */
export function startAgent<S>(
  initial: () => S,
  options: Omit<ServerOptions, 'affinity' | 'mode'> = {},
): Operation<Agent<S>> {
  checkFunction('initial', initial);
  checkOptions(options);
  return new Operation(function* () {
    // Its replies hand over the very values the functions made, as they were made on this core.
    const pid = yield* startLocalServer('an agent', agentServer, [initial], { ...options, mode: 'share' });
    return new Agent<S>(pid);
  });
}
