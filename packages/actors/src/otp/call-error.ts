import { type Pid, pidToString } from '../pid.js';

const CALL_ERROR = Symbol.for('beamish.actors.CallError');

/**
 * What a call (or a server's start, or a task's result) fails with when no answer comes: `reason`
 * is `'timeout'`, `'noproc'` (nobody at that pid or name), `'calling_self'`, or the reason the other
 * process exited with. Left uncaught in a process, the error itself becomes the process's exit
 * reason — never `'normal'`, so links and supervisors hear of it, as with Erlang's
 * `{Reason, {gen_server, call, …}}`.
 *
 * @example
 * ```ts
 * try {
 *   yield* call('kv', ['get', 'a'], 100);
 * } catch (error) {
 *   if (CallError.isInstance(error) && error.reason === 'timeout') console.log('kv is slow');
 *   else throw error;
 * }
 * ```
 */
export class CallError extends Error {
  /** Why no answer came. */
  readonly reason: unknown;
  /** Whom it was asked of: a pid or a registered name. */
  readonly target: Pid | string;
  readonly [CALL_ERROR] = true;

  /**
   * @param what - what failed, e.g. `'call to'`, for the message.
   * @param detail - a few words on the reason, for the message.
   */
  constructor(what: string, target: Pid | string, reason: unknown, detail?: string) {
    super(`${what} ${describe(target)} failed: ${show(reason)}${detail ? ` (${detail})` : ''}`);
    this.name = 'CallError';
    this.reason = reason;
    this.target = target;
  }

  /** True for a `CallError` of any copy of this package. */
  static isInstance(value: unknown): value is CallError {
    return typeof value === 'object' && value !== null && CALL_ERROR in value;
  }
}

/** A pid as Erlang prints it, a name quoted. */
export const describe = (target: Pid | string): string =>
  typeof target === 'string' ? JSON.stringify(target) : pidToString(target);

/** A value in a few words, for messages: JSON where it can be, errors as their name and message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return (
      JSON.stringify(value, (_key, item) =>
        item instanceof Error ? `${item.name}: ${item.message}` : item,
      ) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

/** The words a `CallError` adds to the reason a process exited with. */
export const exitDetail = (reason: unknown): string =>
  reason === 'noproc' ? 'no process is alive at that pid' : 'the reason it exited with';
