import { defineProcess, type ProcessDefinition, spawn, spawnMonitor } from '@beamish/actors';
import type { DefworkerOptions, Form, LastValue, StartWorkerOptions } from './api.js';
import { describe } from './describe.js';
import { checkCaller, checkOptions, spawnOptionsOf } from './options.js';
import { checkForms } from './progn.js';
import { startWatched, type Watched, watchedBy, workerBody } from './watch.js';
import type { WorkerHandle } from './worker-handle.js';

/**
 * A worker defined at module level with `defworker`. Start it with `start`. It is also the process
 * definition another core imports to run it; its argument is the watcher that `start` puts beside
 * the caller (a `Watched` only `start` makes), and it waits for that watcher's word before its
 * first form.
 */
export interface WorkerDefinition<T> extends ProcessDefinition<[start: Watched]> {
  /** The options every start begins from. */
  readonly options: Readonly<DefworkerOptions>;
  /**
   * Starts the worker where placement puts it — or where `options.affinity` says — and returns its
   * handle. `options` override the definition's.
   *
   * @throws TypeError/RangeError for a bad option, naming it (`options.affinity` past the last core too).
   */
  start(options?: StartWorkerOptions): WorkerHandle<T>;
}

/**
 * Defines a worker at module level, like DEFUN: its forms can run on any core, so placement and
 * rebalancing apply to it (`withWorker`'s closures run on the caller's). Export it under `name`
 * from the module `options.module` names: another core imports that module and finds it there.
 * Its last form's value travels back to the starting core as a message, so it must be something a
 * message can carry.
 *
 * @example
 * ```ts
 * // crunch.ts
 * export const crunch = defworker('crunch', { module: import.meta.url, maxHeapSize: 1 << 20 },
 *   () => heap().f64(1024).fill(1),
 *   receive([isNumber, (n) => n * 2]),
 * );
 * // anywhere
 * const worker = crunch.start({ affinity: 1 });
 * send(worker, 21);
 * console.log(await worker); // 42
 * ```
 * @throws TypeError/RangeError for a bad name, option or form, naming it.
 */
export function defworker<const F extends readonly Form[]>(
  name: string,
  options: DefworkerOptions,
  ...forms: F
): WorkerDefinition<LastValue<F>> {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`name must be the name the worker is exported as, got ${describe(name)}`);
  }
  const defaults = Object.freeze({ ...checkOptions('defworker', options) });
  checkForms('forms', forms);
  const definition = defineProcess(defaults.module, name, (start: Watched) => workerBody(forms, start));
  const start = (overrides: StartWorkerOptions = {}): WorkerHandle<LastValue<F>> => {
    const checked = { ...defaults, ...checkOptions('start', overrides) };
    checkCaller(checked);
    const spawnOptions = spawnOptionsOf(checked);
    return startWatched(`${name}.start`, (watcher) => {
      const args: [Watched] = [watchedBy(watcher)];
      if (!checked.monitor) return { pid: spawn(definition, args, spawnOptions) };
      const [pid, ref] = spawnMonitor(definition, args, spawnOptions);
      return { pid, ref };
    });
  };
  return Object.assign(definition, { options: defaults, start });
}
