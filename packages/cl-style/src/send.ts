import { type Pid, type SendOptions, send as sendFromProcess } from '@beamish/actors';
import type { WorkerHandle } from './worker-handle.js';

/**
 * Sends `message` to a process, by pid, registered name or worker handle, on any core. `copy` (the
 * default) gives the receiver a copy of its own; `share` hands over the very objects on the same
 * core, and across cores sends views on shared memory by reference (everything else is copied;
 * see `SendOptions` in `@beamish/actors`).
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
  sendFromProcess(typeof dest === 'object' && dest !== null ? dest.pid : dest, message, options);
}
