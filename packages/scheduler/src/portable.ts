import type { Scheduler } from './scheduler.js';
import type { Task } from './task.js';

/**
 * A task that can start on any core: a module (by URL) and the name of a generator function it
 * exports, with arguments the channel can copy (see `Encoder`), like Erlang's `spawn(M, F, A)`.
 *
 * A migratable task's export takes one argument, its state, and calls `yield* checkpoint(state)`
 * between steps; rebalancing may then move it, between two slices, to another core, where the
 * export starts again from the last checkpoint.
 */
export interface PortableTask {
  /** The module's URL, e.g. `new URL('./work.js', import.meta.url).href`. */
  module: string;
  /** The exported generator function. */
  name: string;
  /** Its arguments, copied by the channel's codec: a class instance needs an extension. */
  args?: unknown[];
  /** The task saves its state with `checkpoint` and may move while running. @defaultValue false */
  migratable?: boolean;
}

/** A portable task as it travels between schedulers. */
export interface PortableRequest extends PortableTask {
  /** The group-wide id under which the result is reported. */
  id: number;
  /** For a migratable task moved from elsewhere: the state to resume from. */
  resumeFrom?: unknown;
  /** Placed by an `affinity` or `group` hint: rebalancing leaves it where it is. */
  pinned?: boolean;
}

/** Modules imported on this thread, or being imported. */
const modules = new Map<string, Record<string, unknown> | Promise<Record<string, unknown>>>();

/**
 * The exports of the module at `url`: at once when this thread imported it before, else a promise of
 * them (the import starts once per thread, however many ask; a failed one is tried again next time).
 *
 * @example
 * ```ts
 * const exports = moduleExports(url);
 * const loaded = exports instanceof Promise ? await exports : exports;
 * ```
 */
export function moduleExports(url: string): Record<string, unknown> | Promise<Record<string, unknown>> {
  let exports = modules.get(url);
  if (exports === undefined) {
    const loading = import(url) as Promise<Record<string, unknown>>;
    exports = loading;
    modules.set(url, loading);
    loading.then(
      (loaded) => modules.set(url, loaded),
      () => modules.delete(url),
    );
  }
  return exports;
}

/**
 * Starts a portable task on `scheduler` from its module's exports.
 *
 * @throws TypeError when the module has no such exported function.
 */
export function startPortable(
  scheduler: Scheduler,
  request: PortableRequest,
  exports: Record<string, unknown>,
): Task {
  const body = exports[request.name];
  if (typeof body !== 'function') {
    throw new TypeError(
      `task.name: ${request.module} has no exported function ${JSON.stringify(request.name)}`,
    );
  }
  const args = request.migratable
    ? [request.resumeFrom !== undefined ? request.resumeFrom : request.args?.[0]]
    : (request.args ?? []);
  return scheduler.spawn((body as (...args: unknown[]) => Generator<unknown, unknown, unknown>)(...args));
}
