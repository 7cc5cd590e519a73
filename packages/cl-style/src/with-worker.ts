import { monitor } from '@beamish/actors';
import type { Form, LastValue, WorkerOptions } from './api.js';
import { checkCaller, checkOptions, spawnOptionsOf } from './options.js';
import { checkForms, inSequence } from './progn.js';
import { spawnHere } from './watch.js';
import { WorkerHandle } from './worker-handle.js';

/**
 * The proposal's WITH-WORKER: starts a worker — a process on the caller's core — that evaluates
 * `forms` in order and returns a handle that is its pid and can be awaited for the last form's
 * value (an implicit `progn`).
 *
 * The forms are kept as data and time-sliced: each plain form is one slice, and a generator form
 * ends a slice at each `yield`; the worker's slices take turns, round-robin, with those of every
 * other process on the core. Nothing preempts a slice: a form that loops without yielding holds
 * its core.
 *
 * Its extent is dynamic, like WITH-OPEN-FILE: however the worker ends — its last form, an error,
 * `exit`, a kill, `max_heap_size` — its heap is released, its name freed and its links and monitors
 * told, and the cleanup forms of the `unwindProtect`s it is inside run.
 *
 * @example
 * ```ts
 * const greeter = withWorker(
 *   { name: 'greeter', maxHeapSize: 64 * 1024 },
 *   () => console.log('one slice'),
 *   receive([isString, (name) => `hello, ${name}`]),
 * );
 * send('greeter', 'Lisp');
 * console.log(await greeter); // 'hello, Lisp'
 * ```
 * @throws TypeError/RangeError for a bad option or a form that is not a function, naming it;
 *   Error when no actor system runs on this thread.
 */
export function withWorker<const F extends readonly Form[]>(
  options: WorkerOptions,
  ...forms: F
): WorkerHandle<LastValue<F>> {
  const checked = checkOptions('withWorker', options);
  checkForms('forms', forms);
  checkCaller(checked);
  const spawnOptions = spawnOptionsOf(checked);
  // A closure runs here, so the process's own end settles the handle: no watcher, and a worker
  // ended before its first slice still reports its reason.
  const [pid, ended] = spawnHere(
    'withWorker',
    () => inSequence(forms) as Generator<unknown, LastValue<F>, unknown>,
    spawnOptions,
  );
  // Made before the worker can run (its first slice comes after the caller's), as spawnMonitor's.
  const ref = checked.monitor ? monitor(pid) : undefined;
  const handle = new WorkerHandle<LastValue<F>>(pid, ref);
  ended.then(
    (value) => handle.settle({ ok: true, value }),
    (error: unknown) => handle.settle({ ok: false, error }),
  );
  return handle;
}
