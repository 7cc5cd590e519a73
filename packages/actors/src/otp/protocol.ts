/**
 * The messages servers exchange, and the types that let TypeScript check a call against the server
 * it goes to. Messages are plain arrays tagged with a string, so that they cross cores like any
 * other message; the `$` keeps the tags out of the way of users' own.
 */
import { isPid, type Pid, type Ref } from '../pid.js';

/** `[CALL, from, request]`: a call, answered by `reply(from, value)`. */
export const CALL = '$gen_call';
/** `[CAST, request]`: a request that expects no answer. */
export const CAST = '$gen_cast';
/** `[REPLY, ref, value]`: the answer to the call whose reference is `ref`. */
export const REPLY = '$gen_reply';
/** `[ACK, pid]`: a server started by a waiting starter has run its `init`. */
export const ACK = '$gen_ack';
/** `[NACK, pid, reason]`: its `init` failed with `reason`. */
export const NACK = '$gen_nack';
/** `[STOP, reason]`: `stopServer` asks the server to run `terminate` and exit with `reason`. */
export const STOP = '$gen_stop';

/** What a receive's `after` clause returns when no answer came in time. */
export const TIMED_OUT = Symbol('beamish.timedOut');

/** `send`'s options to hand over objects without copying them (in-core only: across cores they are copied). */
export const SHARE = { mode: 'share' } as const;
/** `demonitor`'s options to drop a `DOWN` already in the mailbox too. */
export const FLUSH = { flush: true } as const;

declare const REPLY_TYPE: unique symbol;
declare const PROTOCOL: unique symbol;

/**
 * One request a server answers, and the type of its reply. A server's protocol is a union of them;
 * `call` then checks the request and types the reply.
 *
 * @example
 * ```ts
 * type KvRequest =
 *   | Request<['get', string], number | undefined>
 *   | Request<['put', string, number], 'ok'>;
 * ```
 */
export type Request<Shape, Reply> = Readonly<Shape> & { readonly [REPLY_TYPE]?: (reply: Reply) => void };

/** The reply types of a protocol (a union of `Request`s). */
export type ReplyOf<Q> = Q extends { readonly [REPLY_TYPE]?: (reply: infer A) => void } ? A : unknown;

/** The reply to `R`: the replies of the requests of protocol `Q` that `R` is one of. */
export type ReplyTo<Q, R> = Q extends unknown ? (R extends Q ? ReplyOf<Q> : never) : never;

/**
 * Who made a call, as `handleCall` is given it: keep it to answer later with `reply(from, value)`.
 * It is plain data (the caller's pid, the call's reference, the caller's core's relay), so it can be
 * stored in the server's state or passed to another process that replies instead.
 */
export type From<Reply = unknown> = readonly [caller: Pid, ref: Ref, relay: Pid] & {
  readonly [REPLY_TYPE]?: (reply: Reply) => void;
};

/** The requests and casts a server takes, carried by its pid or name for the type checker only. */
export interface Protocol<Q, C> {
  calls: Q;
  casts: C;
}

/** A server's pid, typed with its protocol (what `startServer` returns). At run time it is a pid. */
export type ServerPid<Q = unknown, C = unknown> = Pid & { readonly [PROTOCOL]: Protocol<Q, C> };

/** A server's registered name, typed with its protocol (see `serverRef`). At run time it is a string. */
export type ServerName<Q = unknown, C = unknown> = string & { readonly [PROTOCOL]: Protocol<Q, C> };

/** A server by pid or registered name, typed with its protocol. */
export type ServerRef<Q = unknown, C = unknown> = ServerPid<Q, C> | ServerName<Q, C>;

/** The requests `call` takes for `S`: its protocol's for a typed server, anything for a bare pid or name. */
export type CallsOf<S> = S extends { readonly [PROTOCOL]: Protocol<infer Q, unknown> } ? Q : unknown;

/** The casts `cast` takes for `S`. */
export type CastsOf<S> = S extends { readonly [PROTOCOL]: Protocol<unknown, infer C> } ? C : unknown;

/** What `call(server, request)` resolves to: typed for a typed server, `unknown` otherwise. */
export type CallReply<S, R> = S extends { readonly [PROTOCOL]: Protocol<infer Q, unknown> }
  ? ReplyTo<Q, R>
  : unknown;

/** Checks that `server` is a pid or a non-empty name, or throws a TypeError naming `what`. */
export function checkServer(what: string, server: unknown): void {
  if (typeof server === 'string' ? server === '' : !isPid(server)) {
    throw new TypeError(
      `${what} must be a pid or a registered name, got ${typeof server === 'string' ? '""' : String(server)}`,
    );
  }
}

/** A timeout in milliseconds: 0 or more, `Infinity` for none. */
export function checkTimeout(what: string, ms: unknown): number {
  if (typeof ms !== 'number' || Number.isNaN(ms) || ms < 0) {
    throw new RangeError(
      `${what} must be a number of milliseconds, 0 or more (or Infinity), got ${String(ms)}`,
    );
  }
  return ms;
}
