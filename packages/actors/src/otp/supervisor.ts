import { exit, self, send, trapExit } from '../api.js';
import { reasonOf } from '../errors.js';
import { isArray } from '../patterns.js';
import type { Pid } from '../pid.js';
import { startChildProcess, stopChildren } from './child-process.js';
import { type Child, type ChildSpec, type ChildTemplate, checkChildSpec, removeChild } from './child-spec.js';
import { type Request, SHARE } from './protocol.js';
import { defineServer, type ServerDefinition } from './server.js';
import { answer } from './supervisor-requests.js';

/**
 * How a supervisor restarts: only the child that exited (`oneForOne`); every child (`oneForAll`);
 * the child and those started after it (`restForOne`); or, for children started on demand from one
 * template, only that child (`simpleOneForOne`).
 */
export type Strategy = 'oneForOne' | 'oneForAll' | 'restForOne' | 'simpleOneForOne';

/** What a supervisor's init function returns (Erlang's supervisor flags and child specs). */
export interface SupervisorSpec {
  /** @defaultValue 'oneForOne' */
  strategy?: Strategy;
  /**
   * Restarts allowed within `periodMs`; one more and the supervisor stops its children and exits
   * with reason `'shutdown'`, for its own supervisor to deal with. @defaultValue 1
   */
  intensity?: number;
  /** The window `intensity` counts restarts in, in milliseconds. @defaultValue 5000 */
  periodMs?: number;
  /**
   * The children, started in this order and stopped in the reverse order. For `simpleOneForOne`:
   * exactly one, the template of the children `startChild` starts.
   */
  children: Array<ChildSpec | ChildTemplate>;
}

/** What the supervisor keeps: its flags, its children in start order, and when it last restarted. */
export interface SupervisorState {
  strategy: Strategy;
  intensity: number;
  periodMs: number;
  /** Static children in start order; for `simpleOneForOne`, the running ones. */
  children: Child[];
  /** The `simpleOneForOne` template. */
  template: Child | undefined;
  /** When each recent restart happened (`performance.now()`), oldest first. */
  restarts: number[];
}

/** The requests a supervisor answers (see `whichChildren`, `startChild`, …); every reply is `[ok, value or error]`. */
export type SupervisorRequest =
  | Request<['which'], SupervisorReply>
  | Request<['count'], SupervisorReply>
  | Request<['start', unknown], SupervisorReply>
  | Request<['terminate', string | Pid], SupervisorReply>
  | Request<['restart', string], SupervisorReply>
  | Request<['delete', string], SupervisorReply>;

/** A supervisor's answer: `[true, value]`, or `[false, error]` for the caller to throw. */
export type SupervisorReply = readonly [true, unknown] | readonly [false, Error];

/** A supervisor defined at module level with `defineSupervisor`. */
export type SupervisorDefinition<Args extends unknown[] = unknown[]> = ServerDefinition<
  Args,
  SupervisorRequest,
  never
>;

/** `[RETRY, child]`, sent to itself: a restart that failed is tried again (and counted again). */
const RETRY = '$sup_retry';
const STRATEGIES: readonly unknown[] = ['oneForOne', 'oneForAll', 'restForOne', 'simpleOneForOne'];

/**
 * Defines a supervisor at module level, under the name it is exported as, so that it can start on
 * any core. `init` runs in the supervisor's process and returns its strategy, restart intensity and
 * children; start it with `startSupervisor` (or as a child of another supervisor, with
 * `type: 'supervisor'`).
 *
 * @example
 * ```ts
 * export const app = defineSupervisor(import.meta.url, 'app', (capacity: number) => ({
 *   strategy: 'restForOne',
 *   intensity: 3,
 *   periodMs: 5000,
 *   children: [
 *     { id: 'store', start: [kvStore, [capacity], { name: 'kv' }] },
 *     { id: 'limiter', start: [rateLimiter, [10], { name: 'limiter' }] },
 *   ],
 * }));
 * const sup = yield* startSupervisor(app, [1000], { link: true });
 * ```
 * @throws TypeError when `module` or `name` is not a string or `init` is not a function. A bad spec
 *   returned by `init` fails the start with a TypeError or RangeError naming the field.
 */
export function defineSupervisor<Args extends unknown[]>(
  module: string,
  name: string,
  init: (...args: Args) => SupervisorSpec,
): SupervisorDefinition<Args> {
  if (typeof init !== 'function')
    throw new TypeError('init must be a function returning the supervisor spec');
  return defineServer(module, name, {
    *init(...args: Args) {
      trapExit(true);
      const state = checkSupervisorSpec(init(...args));
      const started: Child[] = [];
      for (const child of state.children) {
        try {
          child.pid = yield* startChildProcess(child);
        } catch (error) {
          yield* stopChildren(started.reverse(), true);
          exit(['shutdown', ['failed_to_start_child', child.id, reasonOf(error)]]);
        }
        started.push(child);
      }
      return state;
    },
    *handleCall(request: SupervisorRequest, _from, state: SupervisorState) {
      try {
        return ['reply', [true, yield* answer(request, state)], state] as const;
      } catch (error) {
        return ['reply', [false, error], state] as const;
      }
    },
    *handleInfo(message, state) {
      if (!isArray(message)) return ['noreply', state] as const;
      if (message[0] === 'EXIT' && message.length === 3)
        return yield* childExited(state, message[1] as Pid, message[2]);
      if (
        message[0] === RETRY &&
        state.children.includes(message[1] as Child) &&
        (message[1] as Child).pid === undefined
      )
        return yield* restart(state, message[1] as Child);
      return ['noreply', state] as const;
    },
    *terminate(_reason, state) {
      yield* stopChildren([...state.children].reverse(), state.template === undefined);
    },
  });
}

/**
 * Checks what a supervisor's init returned and makes the supervisor's state.
 *
 * @throws TypeError or RangeError naming the field (`spec.intensity`, `spec.children[1].restart`…).
 */
export function checkSupervisorSpec(spec: unknown): SupervisorState {
  if (typeof spec !== 'object' || spec === null)
    throw new TypeError(
      'spec must be a supervisor spec object ({ strategy?, intensity?, periodMs?, children })',
    );
  const { strategy = 'oneForOne', intensity = 1, periodMs = 5000, children } = spec as SupervisorSpec;
  if (!STRATEGIES.includes(strategy))
    throw new TypeError(
      `spec.strategy must be 'oneForOne', 'oneForAll', 'restForOne' or 'simpleOneForOne', got ${String(strategy)}`,
    );
  if (!Number.isInteger(intensity) || intensity < 0)
    throw new RangeError(`spec.intensity must be an integer, 0 or more, got ${String(intensity)}`);
  if (typeof periodMs !== 'number' || !(periodMs > 0))
    throw new RangeError(
      `spec.periodMs must be a number of milliseconds, more than 0, got ${String(periodMs)}`,
    );
  if (!Array.isArray(children)) throw new TypeError('spec.children must be an array of child specs');
  const state: SupervisorState = {
    strategy,
    intensity,
    periodMs,
    children: [],
    template: undefined,
    restarts: [],
  };
  if (strategy === 'simpleOneForOne') {
    if (children.length !== 1)
      throw new TypeError(
        `spec.children must hold exactly one template for simpleOneForOne, got ${children.length}`,
      );
    state.template = checkChildSpec('spec.children[0]', children[0], false);
    return state;
  }
  const ids = new Set<string>();
  children.forEach((spec, i) => {
    const child = checkChildSpec(`spec.children[${i}]`, spec, true);
    if (ids.has(child.id as string))
      throw new TypeError(`spec.children[${i}].id ${JSON.stringify(child.id)} is used twice`);
    ids.add(child.id as string);
    state.children.push(child);
  });
  return state;
}

/** Erlang's exit reasons that are not crashes: a transient child exiting so is not restarted. */
const isShutdown = (reason: unknown): boolean =>
  reason === 'normal' ||
  reason === 'shutdown' ||
  (isArray(reason) && reason.length === 2 && reason[0] === 'shutdown');

function* childExited(state: SupervisorState, pid: Pid, reason: unknown) {
  const child = state.children.find((c) => c.pid === pid);
  // Not a child (any more): one stopped on purpose, or another linked process.
  if (child === undefined) return ['noreply', state] as const;
  child.pid = undefined;
  const restarted = child.restart === 'permanent' || (child.restart === 'transient' && !isShutdown(reason));
  if (restarted) return yield* restart(state, child);
  if (child.restart === 'temporary' || state.template !== undefined) removeChild(state.children, child);
  return ['noreply', state] as const;
}

/** Restarts after `child` exited, as the strategy says; past the intensity, the supervisor stops. */
function* restart(state: SupervisorState, child: Child) {
  if (!withinIntensity(state)) return ['stop', 'shutdown', state] as const;
  const { children } = state;
  let again: Child[];
  if (state.strategy === 'oneForAll') {
    yield* stopChildren(children.filter((c) => c !== child).reverse(), true);
    // Temporary children are never restarted: stopped with the others, they are gone.
    for (const c of children.filter((c) => c.restart === 'temporary' && c !== child))
      removeChild(state.children, c);
    again = [...state.children];
  } else if (state.strategy === 'restForOne') {
    const rest = children.slice(children.indexOf(child) + 1);
    yield* stopChildren([...rest].reverse(), true);
    for (const c of rest.filter((c) => c.restart === 'temporary')) removeChild(state.children, c);
    again = state.children.slice(state.children.indexOf(child));
  } else again = [child];
  for (const c of again) {
    if (c.pid !== undefined) continue;
    try {
      c.pid = yield* startChildProcess(c);
    } catch {
      // Tried again through the mailbox, so that calls and exits waiting there are not held up.
      send(self(), [RETRY, c], SHARE);
      break;
    }
  }
  return ['noreply', state] as const;
}

/** Counts a restart; false when there were more than `intensity` within `periodMs`. */
function withinIntensity(state: SupervisorState): boolean {
  const now = performance.now();
  const { restarts } = state;
  restarts.push(now);
  while ((restarts[0] as number) <= now - state.periodMs) restarts.shift();
  return restarts.length <= state.intensity;
}
