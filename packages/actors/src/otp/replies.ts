/**
 * Replies, and why a late one never reaches its caller. Erlang (since OTP 24) sends a reply to an
 * alias that the caller deactivates when it stops waiting, so the runtime drops a late reply. Here
 * the decision is taken on the caller's thread, by code that runs there:
 *
 * - every call a process on this thread waits for is in `waiting`, from the moment it is sent until
 *   the caller stops waiting (reply, `DOWN`, timeout, or the caller's own death);
 * - a reply made on the caller's thread is handed over only if the call is still in `waiting`;
 * - a reply from another core goes to the caller's thread's relay, a process that does the same;
 * - the relay also ends the calls whose time is up: it takes them out of `waiting` and tells their
 *   callers. So a call costs no timer of its own — the relay's one timer is set for the earliest
 *   deadline, and a call answered in time never touches it.
 *
 * On one thread the check and the hand-over run in one slice, so there is no race: a reply that
 * comes after the timeout is dropped before it reaches the caller's mailbox.
 */
import { demonitor, send, spawn } from '../api.js';
import { runtimeFor } from '../current.js';
import { _, isArray } from '../patterns.js';
import type { Pid, Ref } from '../pid.js';
import { after, on, receive } from '../receive.js';
import type { Runtime } from '../runtime.js';
import { FLUSH, type From, REPLY, SHARE } from './protocol.js';

/** `[TIMEOUT, ref]`: the relay tells a caller that its call's time is up. */
const TIMEOUT = '$gen_timeout';
/** `[SOONER]`: a call with an earlier deadline than the relay waits for. */
const SOONER = '$gen_sooner';

/** Calls that processes on this thread wait for: the call's reference → the caller. */
const waiting = new Map<Ref, Pid>();
/** When each of those calls times out (`performance.now()`); calls without a timeout are not here. */
const deadlines = new Map<Ref, number>();
/** The deadline the relay wakes up for. */
let wakeAt = Number.POSITIVE_INFINITY;
/** This thread's relay, and the runtime it runs in. */
let relay: { pid: Pid; runtime: Runtime } | undefined;

/**
 * The relay of this thread, started on first use, and again when it has ended or the system was
 * restarted (a new system gives out the same pids again: only the runtime tells them apart). A new
 * system starts with no calls waiting.
 */
export function relayHere(): Pid {
  const runtime = runtimeFor('call');
  if (relay?.runtime === runtime && runtime.processes.has(relay.pid)) return relay.pid;
  if (relay !== undefined && relay.runtime !== runtime) {
    waiting.clear();
    deadlines.clear();
  }
  wakeAt = Number.POSITIVE_INFINITY;
  relay = { pid: spawn(relayReplies), runtime };
  return relay.pid;
}

const ring = () => SOONER;

function* relayReplies(): Generator<unknown, never, unknown> {
  // Calls already waiting when a relay starts again: their deadlines count too.
  if (deadlines.size > 0) expire();
  for (;;) {
    const wait = wakeAt === Number.POSITIVE_INFINITY ? wakeAt : Math.max(0, wakeAt - performance.now());
    const message = yield* receive(after(wait, ring));
    // The copy made on the way between cores is the caller's own: handed over as it is.
    if (isArray(message) && message[0] === REPLY) handOver(message, SHARE);
    else if (wakeAt <= performance.now()) expire();
  }
}

/** Ends the calls whose time is up, and finds the next deadline. */
function expire(): void {
  const now = performance.now();
  let next = Number.POSITIVE_INFINITY;
  for (const [ref, deadline] of deadlines) {
    if (deadline > now) next = Math.min(next, deadline);
    else {
      deadlines.delete(ref);
      const caller = waiting.get(ref);
      waiting.delete(ref);
      if (caller !== undefined) send(caller, [TIMEOUT, ref], SHARE);
    }
  }
  wakeAt = next;
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
  if (relay !== undefined && from[2] === relay.pid && relay.runtime === runtimeFor('reply'))
    handOver(message, undefined);
  else send(from[2], message);
}

/** The caller is to wait for the reply to `ref`. Returns the relay the reply is to come through from another core. */
export function expectReply(ref: Ref, caller: Pid): Pid {
  const through = relayHere();
  waiting.set(ref, caller);
  return through;
}

/** The call `ref` times out in `timeoutMs`. */
function setDeadline(ref: Ref, timeoutMs: number): void {
  const deadline = performance.now() + timeoutMs;
  deadlines.set(ref, deadline);
  if (deadline < wakeAt) {
    wakeAt = deadline;
    send(relayHere(), [SOONER]);
  }
}

/** What a wait for a reply ends with: the reply message, the `DOWN` of the process asked, or the timeout. */
export type Answer =
  | [typeof REPLY, Ref, unknown]
  | ['DOWN', Ref, 'process', Pid, unknown]
  | [typeof TIMEOUT, Ref];

/** True when the wait ended with the timeout. */
export const timedOut = (answer: Answer): answer is [typeof TIMEOUT, Ref] => answer[0] === TIMEOUT;

const noLateReply = () => undefined;

/**
 * Waits for the reply to the call `ref` (whose monitor `ref` also is), the `DOWN` of the process
 * asked, or the relay's word that `timeoutMs` have passed; then stops waiting, so that a later
 * reply is dropped.
 */
export function* awaitReply(ref: Ref, timeoutMs: number): Generator<unknown, Answer, unknown> {
  try {
    if (timeoutMs !== Number.POSITIVE_INFINITY) setDeadline(ref, timeoutMs);
    let answer = (yield* receive(
      on((message: unknown) => isArray(message) && message[1] === ref && isAnswer(message[0])),
    )) as Answer;
    if (answer[0] === 'DOWN') {
      // A process that replies and then exits sends the reply first; from another core the reply
      // comes through the relay and the DOWN straight here. Both arrived in the same delivery, the
      // relay first, so it runs before this process does again: one slice is enough.
      yield;
      const late = yield* receive(on([REPLY, ref, _]), after(0, noLateReply));
      if (late !== undefined) answer = late as Answer;
      // The relay may have timed the call out meanwhile: its word has nobody to go to either.
      yield* receive(on([TIMEOUT, ref]), after(0));
    } else demonitor(ref, FLUSH);
    return answer;
  } finally {
    // Also when the caller is killed while it waits: a reply then has nobody to go to.
    forgetReply(ref);
  }
}

const isAnswer = (tag: unknown): boolean => tag === REPLY || tag === 'DOWN' || tag === TIMEOUT;

/** The caller no longer waits for `ref`: it has its answer, or its call could not be sent. */
export function forgetReply(ref: Ref): void {
  waiting.delete(ref);
  deadlines.delete(ref);
}
