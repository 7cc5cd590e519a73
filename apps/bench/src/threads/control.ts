/**
 * The control block a `Team` shares with its workers: a start signal, the parameters of a run,
 * a done counter, and one row of results per worker. Main writes the parameters with plain stores and
 * then bumps `GENERATION` atomically; workers write their row and then bump `DONE` atomically: the
 * atomic on each side orders the plain stores before it.
 *
 * @packageDocumentation
 */

/** Int32 indices. Bumped by main to start a run or stop the workers; they sleep on it in between. */
export const GENERATION = 0;
/** What the new generation asks for: {@link RUN} or {@link STOP}. */
export const COMMAND = 1;
/** Producer/consumer pairs in this run: 1 for 1P/1C, 2 for 2P/2C. */
export const PAIRS = 2;
export const ITEMS_PER_PRODUCER = 3;
/** Set by a worker whose part of the run threw; its error is on its error port. */
export const FAILED = 4;
/** Workers that finished this run (on a cache line of its own: every worker writes it). */
export const DONE = 16;
/** Producers still sending in this run; the last one ends the run for every consumer. */
export const PRODUCERS_LEFT = 32;

export const RUN = 1;
export const STOP = 2;

/** Float64 results, one row per worker, from this byte on. */
const RESULTS_OFFSET = 192;
export const ROW = 8;
/** Columns of a row: per-run deltas of the queue handle's counters, and what a consumer received. */
export const OPERATIONS = 0;
export const CAS_FAILURES = 1;
export const FIX_LISTS = 2;
export const RECEIVED = 3;
export const SUM = 4;
export const OUT_OF_ORDER = 5;
/** Times the worker gave up its core after polling a full or empty channel for a while. */
export const PAUSES = 6;

/** Typed views over a control block; each thread makes its own from the shared buffer. */
export class Control {
  readonly buffer: SharedArrayBuffer;
  readonly ints: Int32Array;
  readonly results: Float64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.ints = new Int32Array(buffer, 0, RESULTS_OFFSET / 4);
    this.results = new Float64Array(buffer, RESULTS_OFFSET);
  }

  /** A zeroed control block for `workers` workers. */
  static create(workers: number): Control {
    return new Control(new SharedArrayBuffer(RESULTS_OFFSET + 8 * ROW * workers));
  }
}
