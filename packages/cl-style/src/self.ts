import { type Pid, type SendOptions, self as selfOfProcess, send as sendFromProcess } from '@beamish/actors';
import type { WorkerHandle } from './worker-handle.js';

/**
 * The worker whose cleanup forms are running outside its own time slice: a worker ended from
 * elsewhere (`exit(pid, 'kill')`, a linked crash, …) runs them in that call, where the running
 * process is another one, or none.
 */
let unwinding: Pid | undefined;

/** The pid of the running process, or undefined outside any process. */
export function runningPid(): Pid | undefined {
  try {
    return selfOfProcess();
  } catch {
    return undefined;
  }
}

/** Runs `cleanup` as `worker`'s: `self()` answers `worker` meanwhile. */
export function unwindingAs(worker: Pid, cleanup: () => void): void {
  const outer = unwinding;
  unwinding = worker;
  try {
    cleanup();
  } finally {
    unwinding = outer;
  }
}

/**
 * The pid of the worker (or process) evaluating the form; inside the cleanup forms of
 * `unwindProtect`, the worker's own pid even when it was ended from another process.
 *
 * @example
 * ```ts
 * withWorker({}, () => send('registry', ['hello', self()]));
 * ```
 * @throws TypeError outside a process.
 */
export function self(): Pid {
  return unwinding ?? selfOfProcess();
}

/**
 * Sends `message` to a process, by pid, registered name or worker handle, on any core: `copy`
 * (the default) gives the receiver its own copy, `share` hands over the very objects on the same
 * core (across cores messages are copied).
 *
 * @example
 * ```ts
 * const echo = withWorker({}, receive([_, (message) => message]));
 * send(echo, { text: 'hello' });
 * ```
 * @throws TypeError for a name nobody registered or something that is not a pid; the codec's error,
 *   naming where, for a message that cannot be copied (nothing is sent).
 */
export function send(
  dest: Pid | string | WorkerHandle<unknown>,
  message: unknown,
  options?: SendOptions,
): void {
  const to = typeof dest === 'object' && dest !== null ? dest.pid : dest;
  if (options === undefined) sendFromProcess(to, message);
  else sendFromProcess(to, message, options);
}
