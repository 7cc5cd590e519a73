import { demonitor, monitor, type SendOptions, self, send, whereis } from '../api.js';
import type { Pid } from '../pid.js';
import { CallError, exitDetail } from './call-error.js';
import { Operation } from './operation.js';
import {
  CALL,
  CAST,
  type CallReply,
  type CallsOf,
  type CastsOf,
  checkServer,
  checkTimeout,
  FLUSH,
  REPLY,
} from './protocol.js';
import { awaitReply, expectReply, forgetReply, timedOut } from './replies.js';

/**
 * Calls a server and waits for its reply (Erlang's `gen_server:call`): `yield*` it inside a
 * process, `await` it outside. The call is tagged with a monitor's reference, so a server that is
 * not alive, or dies before it replies, fails the call at once; a reply that comes after the
 * timeout is dropped, never left in the caller's mailbox. With a typed server (from `startServer`
 * or `serverRef`) the request is checked against its protocol and the reply typed.
 *
 * @example
 * ```ts
 * const kv = yield* startServer(kvStore, [100]);
 * yield* call(kv, ['put', 'a', 1]); // 'ok'
 * const a = yield* call(kv, ['get', 'a']); // number | undefined
 * const b = await call('kv', ['get', 'b'], 1000); // by name, from outside any process
 * ```
 * @param timeoutMs - how long to wait for the reply. @defaultValue 5000
 * @throws `CallError` with `reason` `'timeout'`, `'noproc'` (no process at that pid, or nobody
 *   registered under that name), `'calling_self'`, or the reason the server exited with; TypeError
 *   for a server that is neither a pid nor a name, RangeError for a bad timeout (both at once).
 */
export function call<S extends Pid | string, const R extends CallsOf<S>>(
  server: S,
  request: R,
  timeoutMs = 5000,
): Operation<CallReply<S, R>> {
  checkServer('server', server);
  checkTimeout('timeoutMs', timeoutMs);
  return new Operation(() => callFrom(server, request, timeoutMs, undefined) as Generator<unknown, never>);
}

/** The call, made by the calling process; `options` are those of the request's `send`. */
export function* callFrom(
  server: Pid | string,
  request: unknown,
  timeoutMs: number,
  options: SendOptions | undefined,
): Generator<unknown, unknown, unknown> {
  const pid = typeof server === 'string' ? whereis(server) : server;
  if (pid === undefined)
    throw new CallError('call to', server, 'noproc', 'nobody is registered under that name');
  const caller = self();
  if (pid === caller) throw new CallError('call to', server, 'calling_self');
  const ref = monitor(pid);
  const relay = expectReply(ref, caller);
  try {
    send(pid, [CALL, [caller, ref, relay], request], options);
  } catch (error) {
    forgetReply(ref);
    demonitor(ref, FLUSH);
    throw error;
  }
  const answer = yield* awaitReply(ref, timeoutMs);
  if (timedOut(answer)) throw new CallError('call to', server, 'timeout', `no reply within ${timeoutMs} ms`);
  if (answer[0] === REPLY) return answer[2];
  throw new CallError('call to', server, answer[4], exitDetail(answer[4]));
}

/**
 * Sends a server a request that expects no answer (Erlang's `gen_server:cast`), handled by its
 * `handleCast`. Like Erlang's, it never fails for a server that is not there: a dead pid or a name
 * nobody holds is ignored. Works inside and outside processes.
 *
 * @example
 * ```ts
 * cast(logger, ['log', 'started']);
 * ```
 * @throws TypeError for a server that is neither a pid nor a name; `CodecError` for a request that
 *   cannot be copied.
 */
export function cast<S extends Pid | string, const C extends CastsOf<S>>(server: S, request: C): void {
  checkServer('server', server);
  const pid = typeof server === 'string' ? whereis(server) : server;
  if (pid !== undefined) send(pid, [CAST, request]);
}
