import type { SendMode } from '@beamish/actors';

/**
 * A form: a function of no arguments that a worker evaluates. A plain function runs within one time
 * slice and its value is what it returns; a generator function ends a slice at each `yield` and its
 * value is what it returns. A plain function that returns a generator is run as a generator form.
 */
export type Form = () => unknown;

/** The value form `F` evaluates to: what it returns, or what its generator returns. */
export type ValueOf<F> = F extends () => infer R ? Evaluated<R> : never;

/** What a form's result evaluates to: a generator's return value, anything else as it is. */
export type Evaluated<R> = R extends Generator<unknown, infer V, unknown> ? V : R;

/** The value of the last of `forms` (like `progn`); `undefined` when there are none. */
export type LastValue<F extends readonly unknown[]> = F extends readonly [...unknown[], infer L]
  ? ValueOf<L>
  : F extends readonly []
    ? undefined
    : ValueOf<F[number]> | undefined;

/**
 * A form made by this package (`progn`, `loop`, `receive`, …). Call it, or list it among a worker's
 * forms, like any form; inside a generator form, `yield*` it for its value:
 * `const n = yield* receive([isNumber, (n) => n])`.
 */
export interface CompoundForm<T> {
  (): Generator<unknown, T, unknown>;
  [Symbol.iterator](): Generator<unknown, T, unknown>;
}

/** The spawn parameters of `withWorker` (Erlang's `spawn_opt`), keyword style. */
export interface WorkerOptions {
  /** Register the worker under this name, on every core, while it runs. @defaultValue none */
  name?: string;
  /** Link the worker to the calling process (which must be a process). @defaultValue false */
  link?: boolean;
  /**
   * Monitor the worker from the calling process (which must be a process): it gets
   * `['DOWN', handle.ref, 'process', pid, reason]` when the worker ends. @defaultValue false
   */
  monitor?: boolean;
  /**
   * Bytes the worker's `heap()` may hold; past it the worker ends with reason `'max_heap_size'`.
   * @defaultValue Infinity
   */
  maxHeapSize?: number;
  /** How the worker's `send`s hand messages over by default. @defaultValue 'copy' */
  mode?: SendMode;
  /** Trap exit signals from the start: they arrive as `['EXIT', pid, reason]` messages. @defaultValue false */
  trapExit?: boolean;
}

/** The options of starting a worker defined with `defworker`: where it runs, besides the spawn parameters. */
export interface StartWorkerOptions extends WorkerOptions {
  /**
   * The core (scheduler index) to run on, or `'local'` for the caller's: a hint the placement
   * honours. @defaultValue placement by the power of two random choices over every core
   */
  affinity?: number | 'local';
}

/** The options of `defworker`: the defining module, and the defaults of every start. */
export interface DefworkerOptions extends StartWorkerOptions {
  /** The URL of the module that exports the definition: pass `import.meta.url`. */
  module: string;
}
