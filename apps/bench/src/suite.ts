/**
 * The contract between the bench CLI and a suite module. A suite lives in `src/suites/<name>.ts`,
 * exports `default` a {@link Suite}, and is registered in `src/suites/index.ts`.
 *
 * @packageDocumentation
 */

/**
 * How the medians of a case are reported. The time units are per operation (lower is better);
 * `ops/s` and `items/s` are throughputs (higher is better), `items/s` for data moved between threads.
 */
export type Unit = 'ns/op' | 'µs/op' | 'ms/op' | 'ops/s' | 'items/s';

/** One measurement: a beamish operation next to the baseline it is compared with, measured in the same run. */
export interface BenchCase {
  /** Shown in the results table and the JSON file, e.g. `'alloc 1024 f64'`. Unique within its suite. */
  name: string;
  /** The unit both medians are reported in; also decides which way the ratio is computed. */
  unit: Unit;
  /** What the baseline does, in the reader's terms, e.g. `'new Float64Array(1024)'`. */
  baselineName: string;
  /** The beamish side: one call is one timed sample. */
  ours: () => unknown | Promise<unknown>;
  /** The baseline side: one call is one timed sample. */
  baseline: () => unknown | Promise<unknown>;
  /**
   * Runs before every call of `ours` and is excluded from timing, e.g. build an arena holding 1,000
   * blocks so that `ours` can measure freeing it. It still takes wall-clock time from each round, so
   * a costly hook means fewer samples, not a longer run.
   */
  beforeEachOurs?: () => unknown | Promise<unknown>;
  /** Runs before every call of `baseline` and is excluded from timing, like {@link BenchCase.beforeEachOurs}. */
  beforeEachBaseline?: () => unknown | Promise<unknown>;
  /**
   * Operations performed per call of `ours` and of `baseline`; medians are divided by it. Default 1.
   * Batch sub-microsecond operations (e.g. a loop of 1,000) so the timer's own cost (tens of ns) does
   * not dominate the sample.
   */
  opsPerCall?: number;
  /**
   * What the case should reach. Reported in the table and the JSON file, never asserted: a miss
   * does not change the exit code.
   */
  target?: {
    /** Minimum ratio, ours vs baseline (> 1 means beamish is faster), e.g. `20` for "at least 20×". */
    minRatio?: number;
    /** Maximum median of `ours`, in the case's `unit` (an upper bound even for throughputs). */
    maxOurs?: number;
  };
  /**
   * Further figures about the case that are not timings, e.g. failed CAS per operation counted by the
   * threads it ran. Called once after the case is measured; shown under the table and written to the
   * JSON file as `metrics`.
   */
  metrics?: () => Record<string, number>;
}

/** A named group of cases, loaded lazily when selected. */
export interface Suite {
  /** The name used on the command line, e.g. `'arena'`; the same as its key in the registry. */
  name: string;
  /** One line for `--list` and the results table heading. */
  description: string;
  /**
   * Builds the cases; with `quick`, fewer or smaller ones for a fast smoke run. Called right before
   * the suite runs (not when other suites run), so it may do setup such as allocating pools, to be
   * released in {@link Suite.dispose}.
   */
  cases(options: { quick: boolean }): BenchCase[] | Promise<BenchCase[]>;
  /**
   * Releases what {@link Suite.cases} set up. Called once after the suite ran, even if a case or
   * `cases` itself failed.
   */
  dispose?(): void | Promise<void>;
}
