import { writeSync } from 'node:fs';
import { format } from 'node:util';
import { ExitSignal } from './errors.js';
import { type Pid, pidToString } from './pid.js';
import type { Process } from './process.js';

/**
 * True when `proc`, ending with `error`, crashed and nobody will hear of it: the error was thrown (not
 * an `exit(reason)`, a kill or another exit signal), and the process has no link, no monitor on it,
 * and no caller awaiting its end (`run`, `spawnSettled`). Such a crash would otherwise vanish without
 * a trace, and whatever waited for the process would wait for ever.
 */
export function isUnheardCrash(proc: Process, error: unknown): boolean {
  return (
    !ExitSignal.isInstance(error) &&
    proc.settle === undefined &&
    proc.linksOrNone.size === 0 &&
    proc.watchersOrNone.size === 0
  );
}

/**
 * Writes a crash that nobody heard of to stderr, as Node reports an unhandled rejection. Written
 * synchronously to the file descriptor: `console.error` in a worker thread reaches stderr through
 * the main thread later, and a worker stopped meanwhile loses it. Never throws, whatever was thrown
 * (an error whose `stack` getter throws, say): a report must not take the scheduler down with it.
 */
export function reportCrash(pid: Pid, error: unknown): void {
  const heading = `beamish: process ${pidToString(pid)} crashed, and no link, monitor or caller heard of it:`;
  let text: string;
  try {
    text = `${format(heading, error)}\n`;
  } catch {
    text = `${heading} (a thrown value that cannot be shown)\n`;
  }
  try {
    writeSync(2, text);
  } catch {
    // stderr closed, or a pipe that would block: there is nowhere better to say it.
  }
}
