import { ExitSignal } from './errors.js';
import { pidToString } from './pid.js';
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
 * Writes a crash that nobody heard of to stderr, as BEAM's error logger reports "Error in process …"
 * and Node an unhandled rejection. `start({ reportCrashes: false })` turns it off.
 */
export function reportCrash(proc: Process, error: unknown): void {
  console.error(
    `beamish: process ${pidToString(proc.pid)} crashed, and no link, monitor or caller heard of it:`,
    error,
  );
}
