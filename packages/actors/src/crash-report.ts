import { writeSync } from 'node:fs';
import { format } from 'node:util';
import { ExitSignal } from './errors.js';
import { type Pid, pidToString } from './pid.js';
import type { Process } from './process.js';

/**
 * How many would hear of `proc`'s end with `error`: its links and the monitors on it; `Infinity`
 * when the end is not a crash to report (an `exit(reason)`, a kill or another exit signal), or a
 * caller awaits it (`run`, `spawnSettled`). At 0 the crash would otherwise vanish without a trace,
 * and whatever waited for the process would wait for ever. At 1 the one signal that tells of it
 * says so (`alone`, set only while reports are on): should it be dropped — its receiver gone, or
 * unlinking or demonitoring while it travelled — the core that drops it reports the crash.
 */
export function crashHearers(proc: Process, error: unknown): number {
  if (ExitSignal.isInstance(error) || proc.settle !== undefined) return Number.POSITIVE_INFINITY;
  return proc.linksOrNone.size + proc.watchersOrNone.size;
}

/**
 * Reports written on one thread in a second, at most: a storm of crashes (thousands of processes
 * failing alike) would otherwise write a stack trace each, synchronously, and hold the thread up.
 * Those past it are counted, and the count is reported when the second is over.
 */
const REPORTS_PER_SECOND = 100;

/**
 * This thread's second of reports: when it began, how many it wrote, how many it left out (while
 * any are, a timer waits to report their count).
 */
const storm = { since: Number.NEGATIVE_INFINITY, written: 0, leftOut: 0 };

/**
 * Writes a crash that nobody heard of to stderr, as Node reports an unhandled rejection. Written
 * synchronously to the file descriptor: `console.error` in a worker thread reaches stderr through
 * the main thread later, and a worker stopped meanwhile loses it. Never throws, whatever was thrown
 * (an error whose `stack` getter throws, say): a report must not take the scheduler down with it.
 * Past `REPORTS_PER_SECOND` in a second, crashes are only counted; the count is written when the
 * second ends (by a timer that does not keep Node alive: a stop before then drops it).
 */
export function reportCrash(pid: Pid, error: unknown): void {
  const now = performance.now();
  if (now - storm.since >= 1000) {
    storm.since = now;
    storm.written = 0;
  }
  if (storm.written === REPORTS_PER_SECOND) {
    if (storm.leftOut++ === 0) setTimeout(reportLeftOut, storm.since + 1000 - now).unref();
    return;
  }
  storm.written++;
  const heading = `beamish: process ${pidToString(pid)} crashed, and no link, monitor or caller heard of it:`;
  let text: string;
  try {
    text = `${format(heading, error)}\n`;
  } catch {
    text = `${heading} (a thrown value that cannot be shown)\n`;
  }
  write(text);
}

function reportLeftOut(): void {
  const count = storm.leftOut;
  storm.leftOut = 0;
  write(
    `beamish: ${count} more crashes that nobody heard of were not reported (at most ${REPORTS_PER_SECOND} a second on a thread)\n`,
  );
}

function write(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // stderr closed, or a pipe that would block: there is nowhere better to say it.
  }
}
