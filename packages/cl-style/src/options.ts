import type { SpawnOptions } from '@beamish/actors';
import type { DefworkerOptions, StartWorkerOptions, WorkerOptions } from './api.js';
import { describe } from './describe.js';
import { runningPid } from './self.js';

const SPAWN_KEYS = ['name', 'link', 'monitor', 'maxHeapSize', 'mode', 'trapExit'] as const;
const PLACED_KEYS = [...SPAWN_KEYS, 'affinity'] as const;
const DEFINITION_KEYS = [...PLACED_KEYS, 'module'] as const;

/** The options each entry point takes, by the name its errors use. */
const KEYS = { withWorker: SPAWN_KEYS, start: PLACED_KEYS, defworker: DEFINITION_KEYS };

function checkFlag(key: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`options.${key} must be true or false, got ${describe(value)}`);
  }
}

/**
 * Checks `options` for `what`, naming the first option that is wrong and the values it accepts,
 * before anything is spawned.
 */
export function checkOptions(what: 'withWorker', options: unknown): WorkerOptions;
export function checkOptions(what: 'start', options: unknown): StartWorkerOptions;
export function checkOptions(what: 'defworker', options: unknown): DefworkerOptions;
export function checkOptions(what: keyof typeof KEYS, options: unknown): DefworkerOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`options must be an options object, got ${describe(options)}`);
  }
  const accepted: readonly string[] = KEYS[what];
  for (const key of Object.keys(options)) {
    if (accepted.includes(key)) continue;
    if (key === 'affinity') {
      throw new TypeError(
        "options.affinity: withWorker's forms are closures, which run on the caller's core; define the worker with defworker to place it",
      );
    }
    throw new TypeError(`options.${key} is not an option of ${what} (${accepted.join(', ')})`);
  }
  const o = options as DefworkerOptions;
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name === '')) {
    throw new TypeError(`options.name must be a non-empty string, got ${describe(o.name)}`);
  }
  checkFlag('link', o.link);
  checkFlag('monitor', o.monitor);
  checkFlag('trapExit', o.trapExit);
  if (o.maxHeapSize !== undefined && !(typeof o.maxHeapSize === 'number' && o.maxHeapSize >= 0)) {
    throw new RangeError(
      `options.maxHeapSize must be a number of bytes, 0 or more (Infinity for no limit), got ${describe(o.maxHeapSize)}`,
    );
  }
  if (o.mode !== undefined && o.mode !== 'copy' && o.mode !== 'share') {
    throw new TypeError(`options.mode must be 'copy' or 'share', got ${describe(o.mode)}`);
  }
  if (
    o.affinity !== undefined &&
    o.affinity !== 'local' &&
    !(Number.isInteger(o.affinity) && o.affinity >= 0)
  ) {
    throw new RangeError(
      `options.affinity must be 'local' or a scheduler index, 0 or more, got ${describe(o.affinity)}`,
    );
  }
  if (what === 'defworker' && (typeof o.module !== 'string' || o.module === '')) {
    throw new TypeError(
      `options.module must be the defining module's URL (pass import.meta.url), got ${describe(o.module)}`,
    );
  }
  return o;
}

/** What `spawn` is given: the spawn parameters but `monitor` (done by `spawnMonitor`) and `module`. */
export function spawnOptionsOf(options: StartWorkerOptions): SpawnOptions {
  const { monitor: _monitor, module: _module, ...spawn } = options as DefworkerOptions;
  return spawn;
}

/** Link and monitor need a process to link or monitor from. */
export function checkCaller(options: WorkerOptions): void {
  const needed = options.link ? 'link' : options.monitor ? 'monitor' : undefined;
  if (needed !== undefined && runningPid() === undefined) {
    throw new TypeError(`options.${needed} needs a calling process: call it from inside a process`);
  }
}
