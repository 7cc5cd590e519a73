/**
 * Replies, and why a late one never reaches its caller. Erlang (since OTP 24) sends a reply to an
 * alias that the caller deactivates when it stops waiting, so the runtime drops a late reply. Here
 * the decision is taken on the caller's thread, by code that runs there:
 *
 * - every call a process on this thread waits for is in `waiting`, from the moment it is sent until
 *   the caller stops waiting (reply, `DOWN`, timeout, or the caller's own death);
 * - a reply made on the caller's thread is handed over only if the call is still in `waiting`;
 * - a reply from another core goes to the caller's thread's relay, a process that does the same.
 *
 * So a reply that comes after the timeout is dropped before it reaches the caller's mailbox, and
 * there is no race: on one thread, the check and the hand-over run in one slice.
 */
import { demonitor, isAlive, send, spawn } from '../api.js';
import { _ } from '../patterns.js';
import type { Pid, Ref } from '../pid.js';
import { after, on, receive } from '../receive.js';
import { FLUSH, type From, REPLY, SHARE, TIMED_OUT } from './protocol.js';

/** Calls that processes on this thread wait for: the call's reference → the caller. */
const waiting = new Map<Ref, Pid>();
/** This thread's relay: replies from other cores come through it. */
let relay: Pid | undefined;

/** The relay of this thread, started on first use (and again after a system restart). */
export function relayHere(): Pid {
  if (relay === undefined || !isAlive(relay)) relay = spawn(relayReplies);
  return relay;
}

function* relayReplies(): Generator<unknown, never, unknown> {
  for (;;) {
    const message = yield* receive();
    // The copy made on the way between cores is the caller's own: handed over as it is.
    if (Array.isArray(message) && message[0] === REPLY) handOver(message, SHARE);
  }
}

/** Gives a reply to its caller if the caller still waits for it; drops it otherwise. */
function handOver(message: unknown[], options: typeof SHARE | undefined): void {
  const ref = message[1] as Ref;
  const caller = waiting.get(ref);
  if (caller === undefined) return;
  waiting.delete(ref);
  send(caller, message, options);
}

/**
 * Answers a call: `handleCall` returns `['noreply', state]` and keeps `from`, and whoever holds it
 * replies later (Erlang's `gen_server:reply/2`). A reply that comes after the caller stopped
 * waiting is dropped. Works from any process on any core, and from outside processes.
 *
 * @example
 * ```ts
 * handleCall(request: Request<['next'], number>, from, state) {
 *   return ['noreply', { ...state, waiting: [...state.waiting, from] }];
 * },
 * handleInfo(message, state) {
 *   for (const from of state.waiting) reply(from, state.count);
 *   return ['noreply', { ...state, waiting: [] }];
 * },
 * ```
 * @throws TypeError when `from` is not what a `handleCall` was given; `CodecError` when `value`
 *   cannot be copied.
 */
export function reply<A>(from: From<A>, value: A): void {
  if (!Array.isArray(from) || from.length !== 3) {
    throw new TypeError('from must be the `from` that handleCall was given');
  }
  const message = [REPLY, from[1], value];
  if (from[2] === relay) handOver(message, undefined);
  else send(from[2], message);
}

/** The caller now waits for the reply to `ref`. */
export function expectReply(ref: Ref, caller: Pid): void {
  waiting.set(ref, caller);
}

/** What a wait for a reply ends with: the reply message, the `DOWN` of the process asked, or the timeout. */
export type Answer = [typeof REPLY, Ref, unknown] | ['DOWN', Ref, 'process', Pid, unknown] | typeof TIMED_OUT;

/**
 * Waits for the reply to the call `ref` (whose monitor `ref` also is), the `DOWN` of the process
 * asked, or the timeout; then stops waiting, so that a later reply is dropped.
 */
export function* awaitReply(ref: Ref, timeoutMs: number): Generator<unknown, Answer, unknown> {
  try {
    let answer = (yield* receive(
      on([REPLY, ref, _]),
      on(['DOWN', ref, _, _, _]),
      after(timeoutMs, () => TIMED_OUT),
    )) as Answer;
    if (answer !== TIMED_OUT && answer[0] === 'DOWN') {
      // A process that replies and then exits sends the reply first; from another core the reply
      // comes through the relay and the DOWN straight here. Both arrived in the same delivery, the
      // relay first, so it runs before this process does again: one slice is enough.
      yield;
      const late = yield* receive(
        on([REPLY, ref, _]),
        after(0, () => undefined),
      );
      if (late !== undefined) answer = late as Answer;
    } else demonitor(ref, FLUSH);
    return answer;
  } finally {
    // Also when the caller is killed while it waits: a reply then has nobody to go to.
    waiting.delete(ref);
  }
}
