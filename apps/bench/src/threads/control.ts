/**
 * The control block a `Team` shares with its workers: a start signal, the parameters of a run,
 * a done counter, and one row of results per worker. Main writes the parameters with plain stores and
 * then bumps `GENERATION` atomically; workers write their row and then bump `DONE` atomically: the
 * atomic on each side orders the plain stores before it. The layout is private to this file: main and
 * the workers only use the methods of {@link Control}.
 *
 * @packageDocumentation
 */

/** Int32 indices. Bumped by main to start a run or stop the workers; they sleep on it in between. */
const GENERATION = 0;
/** What the new generation asks for: {@link RUN} or {@link STOP}. */
const COMMAND = 1;
/** Producer/consumer pairs in this run: 1 for 1P/1C, 2 for 2P/2C. */
const PAIRS = 2;
const ITEMS_PER_PRODUCER = 3;
/** Set by a worker whose part of the run threw; its error is on its error port. */
const FAILED = 4;
/** Workers that finished this run (on a cache line of its own: every worker writes it). */
const DONE = 16;
/** Producers still sending in this run; the last one ends the run for every consumer. */
const PRODUCERS_LEFT = 32;

const RUN = 1;
const STOP = 2;

/** Float64 results, one row per worker, from this byte on. */
const RESULTS_OFFSET = 192;
const ROW = 8;
/** Columns of a row: per-run deltas of the queue handle's counters, and what a consumer received. */
const OPERATIONS = 0;
const CAS_FAILURES = 1;
const FIX_LISTS = 2;
const RECEIVED = 3;
const SUM = 4;
const OUT_OF_ORDER = 5;
const PAUSES = 6;

/** The queue handles' counters summed over a run's workers (zero for transports without them). */
export interface RunStats {
  operations: number;
  casFailures: number;
  fixLists: number;
  /** Times a worker gave up its core after polling a full or empty channel for a while (every transport). */
  pauses: number;
}

/** One worker's row for one run, or every row summed: its counters and what it received as a consumer. */
export interface WorkerReport extends RunStats {
  received: number;
  sum: number;
  /** Items that came before an earlier item of the same producer. */
  outOfOrder: number;
}

/** All zeros: the report of a worker outside the run, and where a sum or a worker's report starts. */
export function emptyReport(): WorkerReport {
  return { operations: 0, casFailures: 0, fixLists: 0, pauses: 0, received: 0, sum: 0, outOfOrder: 0 };
}

/** Typed views over a control block; each thread makes its own from the shared buffer. */
export class Control {
  readonly buffer: SharedArrayBuffer;
  readonly #ints: Int32Array;
  readonly #results: Float64Array;

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#ints = new Int32Array(buffer, 0, RESULTS_OFFSET / 4);
    this.#results = new Float64Array(buffer, RESULTS_OFFSET);
  }

  /** A zeroed control block for `workers` workers. */
  static create(workers: number): Control {
    return new Control(new SharedArrayBuffer(RESULTS_OFFSET + 8 * ROW * workers));
  }

  // Main's side.

  /** Wakes the workers for a run of `pairs` producer/consumer pairs. */
  startRun(pairs: number, itemsPerProducer: number): void {
    const ints = this.#ints;
    ints[PAIRS] = pairs;
    ints[ITEMS_PER_PRODUCER] = itemsPerProducer;
    ints[FAILED] = 0;
    ints[DONE] = 0;
    ints[PRODUCERS_LEFT] = pairs;
    this.#signal(RUN);
  }

  /** Tells the workers to return from {@link Control.awaitSignal} for good. */
  stop(): void {
    this.#signal(STOP);
  }

  /** Workers that finished the current run. */
  done(): number {
    return Atomics.load(this.#ints, DONE);
  }

  /** Whether a worker's part of the current run threw. */
  failed(): boolean {
    return Atomics.load(this.#ints, FAILED) !== 0;
  }

  /** Sleeps until {@link Control.done} is no longer `done`, or for `ms`. */
  waitDone(done: number, ms: number): void {
    Atomics.wait(this.#ints, DONE, done, ms);
  }

  /** Every worker's row of the last run, summed; read once {@link Control.done} counts every worker. */
  sumRows(): WorkerReport {
    const results = this.#results;
    const total = emptyReport();
    for (let row = 0; row < results.length; row += ROW) {
      total.operations += results[row + OPERATIONS] as number;
      total.casFailures += results[row + CAS_FAILURES] as number;
      total.fixLists += results[row + FIX_LISTS] as number;
      total.pauses += results[row + PAUSES] as number;
      total.received += results[row + RECEIVED] as number;
      total.sum += results[row + SUM] as number;
      total.outOfOrder += results[row + OUT_OF_ORDER] as number;
    }
    return total;
  }

  #signal(command: typeof RUN | typeof STOP): void {
    const ints = this.#ints;
    ints[COMMAND] = command;
    Atomics.add(ints, GENERATION, 1);
    Atomics.notify(ints, GENERATION);
  }

  // A worker's side.

  /** Sleeps until main signals a generation after `seen`; returns it, or `undefined` when told to stop. */
  awaitSignal(seen: number): number | undefined {
    const ints = this.#ints;
    Atomics.wait(ints, GENERATION, seen);
    const generation = Atomics.load(ints, GENERATION);
    return ints[COMMAND] === STOP ? undefined : generation;
  }

  /** The current run's pairs. */
  pairs(): number {
    return this.#ints[PAIRS] as number;
  }

  /** The current run's items per producer. */
  itemsPerProducer(): number {
    return this.#ints[ITEMS_PER_PRODUCER] as number;
  }

  /** Counts a producer out of the current run; true for the last one. */
  lastProducerDone(): boolean {
    return Atomics.sub(this.#ints, PRODUCERS_LEFT, 1) === 1;
  }

  /** Marks the current run failed; post the error on the error port first, main reads it on seeing this. */
  fail(): void {
    Atomics.store(this.#ints, FAILED, 1);
  }

  /** Writes worker `index`'s row of the current run, then counts the worker done. */
  finish(index: number, report: WorkerReport): void {
    const results = this.#results;
    const row = index * ROW;
    results[row + OPERATIONS] = report.operations;
    results[row + CAS_FAILURES] = report.casFailures;
    results[row + FIX_LISTS] = report.fixLists;
    results[row + PAUSES] = report.pauses;
    results[row + RECEIVED] = report.received;
    results[row + SUM] = report.sum;
    results[row + OUT_OF_ORDER] = report.outOfOrder;
    const ints = this.#ints;
    Atomics.add(ints, DONE, 1);
    Atomics.notify(ints, DONE);
  }
}
