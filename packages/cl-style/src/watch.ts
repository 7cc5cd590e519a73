import {
  _,
  after,
  ExitSignal,
  exit,
  monitor,
  on,
  type Pid,
  type ProcessBody,
  type Ref,
  receive,
  send,
  spawn,
} from '@beamish/actors';
import type { Form } from './api.js';
import { inSequence } from './progn.js';
import { type Outcome, WorkerHandle } from './worker-handle.js';

/*
 * How the caller learns how a worker ended. Beside the caller, on its core, a watcher process
 * monitors the worker: the DOWN message tells how the process ended. The worker itself reports how
 * its forms ended — the last value, which DOWN does not carry — to the watcher just before it
 * exits, so the report is in the watcher's mailbox when DOWN comes. The watcher is spawned first,
 * so on one core it monitors the worker before the worker's first slice.
 */

const REPORT = 'beamish.cl-style.report';
type Report = [typeof REPORT, 'value' | 'error', unknown];
const SHARE = { mode: 'share' } as const;

/** Tells the watcher how the forms ended. In-core nothing is copied; across cores the value travels as a message. */
function report(watcher: Pid, kind: Report[1], payload: unknown): void {
  try {
    send(watcher, [REPORT, kind, payload], SHARE);
  } catch (error) {
    if (kind === 'error') send(watcher, [REPORT, kind, String(payload)], SHARE);
    else
      throw new TypeError(
        `the last form's value cannot travel back to the core that started the worker: ${(error as Error).message}`,
        { cause: error },
      );
  }
}

/** A worker's process: its forms as an implicit `progn`, reported to `watcher`. */
export function* workerBody(forms: readonly Form[], watcher: Pid): ProcessBody {
  let value: unknown;
  try {
    value = yield* inSequence(forms);
  } catch (error) {
    report(watcher, 'error', error);
    throw error;
  }
  report(watcher, 'value', value);
  return value;
}

/** The outcome a DOWN reason and the worker's report (if it sent one) stand for. */
function outcomeOf(reason: unknown, report: Report | undefined): Outcome {
  // 'noproc': the worker ended before the watcher could monitor it — on another core, or ended in
  // the stretch of code that started it — so its report, if it made one, is all there is to go by.
  if (reason === 'normal' || (reason === 'noproc' && report !== undefined)) {
    if (report?.[1] === 'value') return { ok: true, value: report[2] };
    if (report?.[1] === 'error') return { ok: false, error: report[2] };
  }
  return { ok: false, error: reason instanceof Error ? reason : new ExitSignal(reason) };
}

function* watch(handle: WorkerHandle<unknown>): Generator<unknown, void, unknown> {
  let outcome: Outcome | undefined;
  try {
    const ref = monitor(handle.pid);
    const reason = yield* receive(on(['DOWN', ref, 'process', _, _], (down) => down[4]));
    const told = yield* receive(on([REPORT, _, _]), after(0));
    outcome = outcomeOf(reason, told as Report | undefined);
  } finally {
    // The watcher ended before the worker: the system is stopping.
    handle.settle(outcome ?? { ok: false, error: new ExitSignal('shutdown') });
  }
}

/**
 * Starts a worker with `spawnWorker(watcher)` beside a watcher on this core, and returns its handle.
 * `what` names the caller in errors.
 */
export function startWatched<T>(
  what: string,
  spawnWorker: (watcher: Pid) => { pid: Pid; ref?: Ref | undefined },
): WorkerHandle<T> {
  let handle: WorkerHandle<T> | undefined;
  let watcher: Pid;
  try {
    watcher = spawn(function* () {
      yield* watch(handle as WorkerHandle<unknown>);
    });
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw error;
    throw new Error(`${what}: no actor system is running on this thread (await start() first)`, {
      cause: error,
    });
  }
  try {
    const { pid, ref } = spawnWorker(watcher);
    handle = new WorkerHandle<T>(pid, ref);
  } catch (error) {
    exit(watcher, 'kill');
    throw error;
  }
  return handle;
}
