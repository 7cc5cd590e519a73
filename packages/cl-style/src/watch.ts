import {
  _,
  after,
  ExitSignal,
  exit,
  isPid,
  monitor,
  on,
  type Pid,
  type ProcessBody,
  type Ref,
  receive,
  send,
  spawnSettled,
} from '@beamish/actors';
import type { Form } from './api.js';
import { inSequence } from './progn.js';
import { WorkerHandle } from './worker-handle.js';

/*
 * How the caller learns how a worker ended. Beside the caller, on its core, a watcher process
 * monitors the worker: DOWN tells how the process ended. DOWN does not carry the last form's value,
 * so the worker sends it to the watcher just before it ends; from one core to another messages keep
 * their order, so the value is in the watcher's mailbox when DOWN comes.
 *
 * The worker waits for its watcher's word before its first form, and the watcher gives it once it
 * monitors the worker: a worker cannot end by itself unwatched, even on another core, where the
 * watcher's monitor would otherwise race the worker's end and meet a dead pid ('noproc').
 */

const GO = 'beamish.cl-style.go';
const VALUE = 'beamish.cl-style.value';
/** In-core the value is handed over as it is; across cores it is copied. */
const SHARE = { mode: 'share' } as const;

declare const WATCHED: unique symbol;

/**
 * What a `defworker` process is started with: its watcher, as only `start` gives it (a plain pid
 * does not type-check, and is refused at once).
 */
export type Watched = { readonly watcher: Pid } & { readonly [WATCHED]: true };

/** The start argument of a worker that `watcher` watches. */
export const watchedBy = (watcher: Pid): Watched => ({ watcher }) as Watched;

/**
 * A `defworker` worker's process: once its watcher says so, its forms as an implicit `progn`, their
 * value told to the watcher.
 */
export function* workerBody(forms: readonly Form[], start: Watched): ProcessBody {
  if (typeof start !== 'object' || start === null || !isPid(start.watcher)) {
    throw new TypeError('a defworker worker is started with its start(), not spawn');
  }
  const { watcher } = start;
  yield* receive(on(GO));
  const value = yield* inSequence(forms);
  try {
    send(watcher, [VALUE, value], SHARE);
  } catch (error) {
    throw new TypeError(
      `the last form's value cannot travel back to the core that started the worker: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return value;
}

/** How the worker ended: DOWN's reason, and the value it sent if that reason is 'normal'. */
function* watch(handle: WorkerHandle<unknown>): Generator<unknown, void, unknown> {
  const ref = monitor(handle.pid);
  send(handle.pid, GO);
  const reason = yield* receive(on(['DOWN', ref, 'process', _, _], (down) => down[4]));
  const told = reason === 'normal' ? yield* receive(on([VALUE, _]), after(0)) : undefined;
  // A worker that ended 'normal' without a value called exit('normal') before its last form.
  if (told !== undefined) handle.settle({ ok: true, value: (told as [string, unknown])[1] });
  else handle.settle({ ok: false, error: reason instanceof Error ? reason : new ExitSignal(reason) });
}

/**
 * `spawnSettled` for `what` (`withWorker`, a definition's `start`), whose error says so when no
 * actor system runs on this thread.
 */
export function spawnHere<T>(
  what: string,
  body: () => Generator<unknown, T, unknown>,
  options?: Parameters<typeof spawnSettled>[1],
): [Pid, Promise<T>] {
  try {
    return spawnSettled(body, options);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) throw error;
    throw new Error(`${what}: no actor system is running on this thread (await start() first)`, {
      cause: error,
    });
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
  const [watcher, ended] = spawnHere(what, function* () {
    yield* watch(handle as WorkerHandle<unknown>);
  });
  // A watcher ended before it could tell — the system stopping, even before its first slice —
  // settles the handle with its own reason (a settled handle keeps its first outcome).
  ended.catch((error: unknown) => handle?.settle({ ok: false, error }));
  try {
    const { pid, ref } = spawnWorker(watcher);
    handle = new WorkerHandle<T>(pid, ref);
  } catch (error) {
    exit(watcher, 'kill');
    throw error;
  }
  return handle;
}
