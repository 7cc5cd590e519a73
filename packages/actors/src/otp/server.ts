import { exit, makeResumable, self, send, unlink } from '../api.js';
import { defineProcess, type Location, type ProcessDefinition } from '../definition.js';
import { reasonOf } from '../errors.js';
import { isArray } from '../patterns.js';
import type { Pid } from '../pid.js';
import type { Resumable } from '../process.js';
import { isGenerator, receive } from '../receive.js';
import type { ProcessBody } from '../runtime.js';
import { show } from './call-error.js';
import {
  ACK,
  CALL,
  CAST,
  type From,
  NACK,
  type Protocol,
  type ReplyOf,
  type ServerName,
  STOP,
} from './protocol.js';
import { reply } from './replies.js';

/** What a handler may return: its result, or a generator that computes it (it may `call` other servers). */
export type Handled<T> = T | Generator<unknown, T, unknown>;

/**
 * What `handleCall` returns, as Erlang's tuples: reply now and go on with `state`; reply later
 * (with `reply(from, value)`); or stop with `reason` (after `terminate`), replying first or not.
 */
export type CallResult<State> =
  | readonly ['reply', reply: unknown, state: State]
  | readonly ['noreply', state: State]
  | readonly ['stop', reason: unknown, reply: unknown, state: State]
  | readonly ['stop', reason: unknown, state: State];

/** What `handleCast` and `handleInfo` return: go on with `state`, or stop with `reason`. */
export type NoReplyResult<State> =
  | readonly ['noreply', state: State]
  | readonly ['stop', reason: unknown, state: State];

/**
 * A gen_server's callbacks. The server's state is plain data the loop holds between two messages:
 * `init` makes it, each handler returns the next one. Any callback may be a generator function, to
 * `yield*` calls to other servers, `sleep` or `wait` while it works.
 *
 * Annotate `handleCall`'s request with the server's protocol (a union of `Request`s) and
 * `handleCast`'s with its casts: `startServer` passes them on to the pid it returns, so `call` and
 * `cast` check requests and type replies.
 */
export interface ServerBehaviour<Args extends unknown[], State, Q, C> {
  /**
   * Makes the first state from the start arguments. Throwing (or `exit(reason)`) fails the start:
   * `startServer` throws it. Call `trapExit(true)` here for `terminate` to run when the parent
   * (a supervisor) shuts the server down.
   */
  init(...args: Args): Handled<State>;
  /** Answers a call. Without it, a call crashes the server. */
  handleCall?(request: Q, from: From<ReplyOf<Q>>, state: State): Handled<CallResult<State>>;
  /** Handles a cast. Without it, a cast crashes the server. */
  handleCast?(request: C, state: State): Handled<NoReplyResult<State>>;
  /** Handles any other message (`EXIT`s when trapping exits, `DOWN`s…). Without it, they are dropped. */
  handleInfo?(message: unknown, state: State): Handled<NoReplyResult<State>>;
  /**
   * Runs before the server exits: when a handler returned `stop` or threw, when `stopServer` asks,
   * or when its parent's exit signal arrives while it traps exits. Not when it is killed.
   */
  terminate?(reason: unknown, state: State): Handled<void>;
}

declare const SERVER_TYPES: unique symbol;

/**
 * A server defined at module level with `defineServer`: any core can start it. At run time it is a
 * process definition; its type carries the start arguments and the protocol.
 */
export type ServerDefinition<
  Args extends unknown[] = unknown[],
  Q = unknown,
  C = unknown,
> = ProcessDefinition<[starter: Pid | null, ...args: Args]> & {
  readonly [SERVER_TYPES]?: (args: Args, protocol: Protocol<Q, C>) => void;
};

/** Each server definition made on this thread, with its callbacks. */
const behaviours = new WeakMap<object, ServerBehaviour<unknown[], unknown, unknown, unknown>>();

/** The callbacks of a server definition, or undefined for anything else. */
export const behaviourOf = (definition: unknown) =>
  typeof definition === 'function' ? behaviours.get(definition) : undefined;

const CALLBACKS = ['init', 'handleCall', 'handleCast', 'handleInfo', 'terminate'] as const;

/**
 * Defines a gen_server at module level, under the name it is exported as, so that it can start on
 * any core (the other core imports `module` and finds the export `name`).
 *
 * @example
 * ```ts
 * type CounterRequest = Request<['add', number], number> | Request<['get'], number>;
 *
 * export const counter = defineServer(import.meta.url, 'counter', {
 *   init: (start: number) => start,
 *   handleCall(request: CounterRequest, _from, n) {
 *     return request[0] === 'add' ? ['reply', n + request[1], n + request[1]] : ['reply', n, n];
 *   },
 * });
 *
 * const pid = yield* startServer(counter, [0]);
 * const total = yield* call(pid, ['add', 5]); // typed: number
 * ```
 * @throws TypeError when `module` or `name` is not a string, or a callback is not a function.
 */
export function defineServer<Args extends unknown[], State, Q = never, C = never>(
  module: string,
  name: string,
  behaviour: ServerBehaviour<Args, State, Q, C>,
): ServerDefinition<Args, Q, C> {
  checkBehaviour(behaviour);
  const definition = defineProcess(module, name, (starter: Pid | null | Resume, ...args: Args) =>
    serve(behaviour as ServerBehaviour<unknown[], unknown, unknown, unknown>, starter, args, {
      module,
      name,
    }),
  );
  behaviours.set(definition, behaviour as ServerBehaviour<unknown[], unknown, unknown, unknown>);
  return definition as ServerDefinition<Args, Q, C>;
}

/** Checks a behaviour's callbacks, or throws a TypeError naming the first bad one. */
export function checkBehaviour(behaviour: unknown): void {
  if (typeof behaviour !== 'object' || behaviour === null)
    throw new TypeError('behaviour must be an object of callbacks (init, handleCall, …)');
  for (const key of CALLBACKS) {
    const callback = (behaviour as Record<string, unknown>)[key];
    if (
      key === 'init'
        ? typeof callback !== 'function'
        : callback !== undefined && typeof callback !== 'function'
    )
      throw new TypeError(`behaviour.${key} must be a function${key === 'init' ? '' : ' when given'}`);
  }
}

/**
 * The typed name of a server registered as `name`, for `call` and `cast`. At run time it is `name`.
 *
 * @example
 * ```ts
 * const kv = serverRef(kvStore, 'kv');
 * const value = yield* call(kv, ['get', 'a']);
 * ```
 */
export function serverRef<Q, C>(_definition: ServerDefinition<never, Q, C>, name: string): ServerName<Q, C> {
  if (typeof name !== 'string' || name === '') throw new TypeError('name must be a non-empty string');
  return name as ServerName<Q, C>;
}

/**
 * What a server that moved to another core starts with there, in place of its starter: its parent
 * and its state (see `migrate`).
 */
interface Resume {
  resumeFrom: { parent: Pid | null; state: unknown };
}

const isResume = (value: unknown): value is Resume =>
  typeof value === 'object' && value !== null && 'resumeFrom' in value;

/**
 * The server loop. Its state lives in one local variable between two messages and is replaced by
 * each handler's result: plain data the loop holds, nothing captured elsewhere. A server defined at
 * module level (`location`) can therefore move to another core while it waits for a message: it
 * starts there again from `Resume`, without `init`.
 *
 * `starter` is the process waiting in `startServer` for `init` to end (told with ACK or NACK), and
 * the server's parent: its exit signal, trapped, makes the server terminate.
 */
export function* serve(
  behaviour: ServerBehaviour<unknown[], unknown, unknown, unknown>,
  starter: Pid | null | Resume,
  args: unknown[],
  location?: Location,
): ProcessBody {
  let state: unknown;
  let parent: Pid | null;
  if (isResume(starter)) ({ parent, state } = starter.resumeFrom);
  else {
    parent = starter;
    try {
      state = behaviour.init(...args);
      if (isGenerator(state)) state = yield* state;
    } catch (error) {
      if (starter !== null) {
        // Unlinked first: a linked starter hears of the failure from `startServer`, not by dying of it.
        unlink(starter);
        sendReason(starter, [NACK, self(), reasonOf(error)]);
      }
      throw error;
    }
    if (starter !== null) send(starter, [ACK, self()]);
  }
  const resumable: Resumable | undefined =
    location === undefined
      ? undefined
      : { location, args: () => [{ resumeFrom: { parent, state } } satisfies Resume], atRest: false };
  if (resumable !== undefined) makeResumable(resumable);
  for (;;) {
    // Between two messages, and only there, the server may move.
    if (resumable !== undefined) resumable.atRest = true;
    const message = yield* receive();
    if (resumable !== undefined) resumable.atRest = false;
    let stop: readonly unknown[];
    try {
      let result = handle(behaviour, message, state, parent);
      if (isGenerator(result)) result = yield* result;
      if (!isArray(result)) throw badResult(message, result);
      if (result[0] === 'noreply' && result.length === 2) {
        state = result[1];
        continue;
      }
      if (result[0] === 'reply' && result.length === 3 && isCall(message)) {
        reply(message[1], result[1]);
        state = result[2];
        continue;
      }
      if (result[0] !== 'stop' || !(result.length === 3 || (result.length === 4 && isCall(message))))
        throw badResult(message, result);
      stop = result;
    } catch (error) {
      return yield* end(behaviour, reasonOf(error), state, error);
    }
    state = stop[stop.length - 1];
    const pending = stop.length === 4 ? [(message as CallMessage)[1], stop[2]] : undefined;
    return yield* end(behaviour, stop[1], state, undefined, pending as [From, unknown] | undefined);
  }
}

type CallMessage = [typeof CALL, From, unknown];

const isCall = (message: unknown): message is CallMessage =>
  isArray(message) && message[0] === CALL && message.length === 3;

/** Hands `message` to its callback; returns the callback's result, or a `stop` of the loop's own. */
function handle(
  behaviour: ServerBehaviour<unknown[], unknown, unknown, unknown>,
  message: unknown,
  state: unknown,
  parent: Pid | null,
): unknown {
  if (isArray(message)) {
    switch (message[0]) {
      case CALL:
        if (!isCall(message)) break;
        if (behaviour.handleCall === undefined) throw new TypeError('the server has no handleCall');
        return behaviour.handleCall(message[2], message[1] as From, state);
      case CAST:
        if (message.length !== 2) break;
        if (behaviour.handleCast === undefined) throw new TypeError('the server has no handleCast');
        return behaviour.handleCast(message[1], state);
      case STOP:
        if (message.length === 2) return ['stop', message[1], state];
        break;
      case 'EXIT':
        // Only reaches a server that traps exits: its parent's exit signal ends it (OTP's rule).
        if (message.length === 3 && message[1] === parent) return ['stop', message[2], state];
        break;
    }
  }
  return behaviour.handleInfo === undefined ? ['noreply', state] : behaviour.handleInfo(message, state);
}

/** Runs `terminate`, sends a pending reply, and ends the process with `reason` (or rethrows `error`). */
function* end(
  behaviour: ServerBehaviour<unknown[], unknown, unknown, unknown>,
  reason: unknown,
  state: unknown,
  error: unknown,
  pendingReply?: [from: From, value: unknown],
): Generator<unknown, never, unknown> {
  try {
    if (behaviour.terminate !== undefined) {
      const done = behaviour.terminate(reason, state);
      if (isGenerator(done)) yield* done;
    }
  } finally {
    // Sent even when `terminate` throws, as OTP does.
    if (pendingReply !== undefined) reply(pendingReply[0], pendingReply[1]);
  }
  if (error !== undefined) throw error;
  return exit(reason);
}

function badResult(message: unknown, result: unknown): TypeError {
  const callback = isCall(message) ? 'handleCall' : 'handleCast/handleInfo';
  const expected =
    callback === 'handleCall'
      ? "['reply', reply, state], ['noreply', state], ['stop', reason, reply, state] or ['stop', reason, state]"
      : "['noreply', state] or ['stop', reason, state]";
  return new TypeError(`${callback} must return ${expected}, got ${show(result)}`);
}

/** Sends a message carrying an exit reason; a reason that cannot be copied goes as its text. */
export function sendReason(to: Pid, message: unknown[]): void {
  try {
    send(to, message);
  } catch {
    send(
      to,
      message.map((item, i) => (i === message.length - 1 ? String(item) : item)),
    );
  }
}
