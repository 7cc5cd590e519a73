import {
  demonitor,
  exit,
  monitor,
  type SpawnOptions,
  self,
  send,
  spawnMonitor,
  unlink,
  whereis,
} from '../api.js';
import { ExitSignal } from '../errors.js';
import { _ } from '../patterns.js';
import type { Pid, Ref } from '../pid.js';
import { after, on, receive } from '../receive.js';
import { CallError, exitDetail, show } from './call-error.js';
import { Operation } from './operation.js';
import { ACK, checkServer, checkTimeout, FLUSH, NACK, type ServerPid, STOP, TIMED_OUT } from './protocol.js';
import { behaviourOf, type ServerBehaviour, type ServerDefinition, serve } from './server.js';

/** Options of `startServer`: those of `spawn`, and how long `init` may take. */
export interface ServerOptions extends SpawnOptions {
  /** How long to wait for `init` to end; past it the server is killed and the start fails with `'timeout'`. @defaultValue Infinity */
  timeoutMs?: number;
}

/**
 * Starts a server and waits until its `init` has run (Erlang's `gen_server:start` and, with
 * `{ link: true }`, `start_link`); `yield*` it inside a process, `await` it outside. The server runs
 * where placement puts it, or where `options.affinity` says; `options.name` registers it.
 *
 * @example
 * ```ts
 * const pid = yield* startServer(counter, [0], { name: 'counter', link: true });
 * ```
 * @returns the server's pid, typed with its protocol.
 * @throws what `init` threw (or an `ExitSignal` with the reason it exited with) — a linked caller
 *   is not killed by it; `CallError` `'timeout'` past `options.timeoutMs`; at once, TypeError or
 *   RangeError for a bad argument or option, naming it.
 */
export function startServer<Args extends unknown[], Q, C>(
  definition: ServerDefinition<Args, Q, C>,
  args: NoInfer<Args>,
  options: ServerOptions = {},
): Operation<ServerPid<Q, C>> {
  if (behaviourOf(definition) === undefined)
    throw new TypeError('definition must be a server made by defineServer (or defineSupervisor)');
  if (!Array.isArray(args)) throw new TypeError('args must be an array of init arguments');
  const { timeoutMs = Number.POSITIVE_INFINITY, ...spawnOptions } = checkOptions(options);
  return new Operation(() =>
    started(
      definition.name,
      (starter) => spawnMonitor(definition, [starter, ...args], spawnOptions),
      timeoutMs,
    ),
  ) as Operation<ServerPid<Q, C>>;
}

/**
 * `startServer` for callbacks that are not defined at module level: the server runs on this core.
 * `options` are the caller's, checked already (with `checkOptions`, at its call).
 */
export function startLocalServer<Args extends unknown[]>(
  what: string,
  behaviour: ServerBehaviour<Args, unknown, unknown, unknown>,
  args: Args,
  options: ServerOptions,
): Generator<unknown, Pid, unknown> {
  const { timeoutMs = Number.POSITIVE_INFINITY, ...spawnOptions } = options;
  return started(
    what,
    (starter) =>
      spawnMonitor(
        () => serve(behaviour as ServerBehaviour<unknown[], unknown, unknown, unknown>, starter, args),
        spawnOptions,
      ),
    timeoutMs,
  );
}

/** Checks what `startServer` and `startAgent` take, at the call, before anything runs. */
export function checkOptions(options: ServerOptions): ServerOptions {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an options object');
  if (options.timeoutMs !== undefined) checkTimeout('options.timeoutMs', options.timeoutMs);
  // Awaited outside processes, the start runs in a process of its own that ends as soon as it
  // resolves: a server linked to it (and trapping exits, as supervisors do) would end with it.
  if (options.link && !inProcess())
    throw new TypeError(
      'options.link needs a calling process to link to; outside processes, start it unlinked',
    );
  return options;
}

function inProcess(): boolean {
  try {
    self();
    return true;
  } catch {
    return false;
  }
}

/** Spawns a server with the caller as its starter and waits for its `init` to end. */
function* started(
  what: string,
  spawnServer: (starter: Pid) => [Pid, Ref],
  timeoutMs: number,
): Generator<unknown, Pid, unknown> {
  const [pid, ref] = spawnServer(self());
  const answer = (yield* receive(
    on([ACK, pid]),
    on([NACK, pid, _]),
    on(['DOWN', ref, _, _, _]),
    after(timeoutMs, () => TIMED_OUT),
  )) as
    | [typeof ACK, Pid]
    | [typeof NACK, Pid, unknown]
    | ['DOWN', Ref, 'process', Pid, unknown]
    | typeof TIMED_OUT;
  demonitor(ref, FLUSH);
  if (answer !== TIMED_OUT && answer[0] === ACK) return pid;
  if (answer === TIMED_OUT) {
    unlink(pid);
    exit(pid, 'kill');
    // An answer from another core may have been on its way: it has nobody to go to now.
    yield* receive(on([ACK, pid]), on([NACK, pid, _]), after(0));
  }
  // A caller that links and traps exits has the server's EXIT too (before its DOWN): it is this
  // call's to report, not a message for the caller.
  yield* receive(on(['EXIT', pid, _]), after(0));
  if (answer === TIMED_OUT)
    throw new CallError(`start of ${what}`, pid, 'timeout', `init took more than ${timeoutMs} ms`);
  const reason = answer[0] === NACK ? answer[2] : answer[4];
  if (reason instanceof Error) throw reason;
  const signal = new ExitSignal(reason);
  signal.message = `exit: ${show(reason)}`;
  throw signal;
}

/**
 * Stops a server (Erlang's `gen_server:stop`): it runs `terminate(reason, state)` and exits with
 * `reason`; this waits until it has. Works for supervisors too, which stop their children first.
 *
 * @example
 * ```ts
 * yield* stopServer('kv');
 * ```
 * @param reason - the server's exit reason. @defaultValue 'normal'
 * @param timeoutMs - how long to wait. @defaultValue Infinity
 * @throws `CallError`: `'noproc'` for a server that is not there, `'timeout'`, or the reason the
 *   server exited with when it is not `reason` (its `terminate` threw).
 */
export function stopServer(
  server: Pid | string,
  reason: unknown = 'normal',
  timeoutMs = Number.POSITIVE_INFINITY,
) {
  checkServer('server', server);
  checkTimeout('timeoutMs', timeoutMs);
  return new Operation<void>(function* () {
    const pid = typeof server === 'string' ? whereis(server) : server;
    if (pid === undefined)
      throw new CallError('stop of', server, 'noproc', 'nobody is registered under that name');
    const ref = monitor(pid);
    send(pid, [STOP, reason]);
    const answer = (yield* receive(
      on(['DOWN', ref, _, _, _]),
      after(timeoutMs, () => TIMED_OUT),
    )) as ['DOWN', Ref, 'process', Pid, unknown] | typeof TIMED_OUT;
    if (answer === TIMED_OUT) {
      demonitor(ref, FLUSH);
      throw new CallError('stop of', server, 'timeout', `it did not exit within ${timeoutMs} ms`);
    }
    const exited = answer[4];
    // A reason that is an object arrives from another core as a copy: only plain values compare.
    const sameReason = Object.is(exited, reason) || (typeof reason === 'object' && reason !== null);
    if (exited === 'noproc' || !sameReason)
      throw new CallError('stop of', server, exited, exitDetail(exited));
  });
}
