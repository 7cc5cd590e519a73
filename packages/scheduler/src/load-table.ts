import type { Scheduler } from './scheduler.js';

/**
 * Every scheduler's counters in one `SharedArrayBuffer`, each scheduler on a 64-byte cache line of
 * its own: a scheduler publishes its task counts there at the start of its turns and before it
 * sleeps; whoever places a portable task counts it in `placed` at once, so placement and
 * rebalancing see tasks still on their way; `stats()` reads it all.
 *
 * ```text
 * int32 +0 runnable, +1 waiting, +2 migrations in, +3 migrations out, +4 busy (per million),
 *       +5 portable tasks placed and not ended
 * float64 at byte +32: slices run
 * ```
 */
const LINE_INTS = 16;
const RUNNABLE = 0;
const WAITING = 1;
const MIGRATED_IN = 2;
const MIGRATED_OUT = 3;
const BUSY = 4;
const PLACED = 5;
const SLICES_F64 = 4; // float64 index within a line of 8

/** One scheduler's line, as `group.stats()` reports it. */
export interface CoreStats {
  /** Which scheduler: 0 runs on the thread that started the group. */
  index: number;
  runnable: number;
  waiting: number;
  slices: number;
  /** Share of its time spent running slices, 0 to 1. */
  busy: number;
  migrationsIn: number;
  migrationsOut: number;
  /** Portable tasks placed on it and not ended, those on their way included: the placement load. */
  placed: number;
  /** Batches of messages waiting in its inbox. */
  inboxDepth: number;
}

export class LoadTable {
  readonly buffer: SharedArrayBuffer;
  readonly #ints: Int32Array;
  readonly #floats: Float64Array;

  constructor(bufferOrCount: SharedArrayBuffer | number) {
    this.buffer =
      typeof bufferOrCount === 'number'
        ? new SharedArrayBuffer(bufferOrCount * LINE_INTS * 4)
        : bufferOrCount;
    this.#ints = new Int32Array(this.buffer);
    this.#floats = new Float64Array(this.buffer);
  }

  /** Writes scheduler `index`'s line from `scheduler`'s counters (every turn: nothing allocated). */
  publish(index: number, scheduler: Scheduler): void {
    const base = index * LINE_INTS;
    Atomics.store(this.#ints, base + RUNNABLE, scheduler.runnableCount);
    Atomics.store(this.#ints, base + WAITING, scheduler.waitingCount);
    Atomics.store(this.#ints, base + BUSY, Math.round(scheduler.busyShare() * 1e6));
    this.#floats[(base >> 1) + SLICES_F64] = scheduler.slicesRun;
  }

  /** Portable tasks placed on scheduler `index` and not ended. */
  placed(index: number): number {
    return Atomics.load(this.#ints, index * LINE_INTS + PLACED);
  }

  /** Counts `delta` more (or, negative, fewer) portable tasks on scheduler `index`. */
  place(index: number, delta: number): void {
    Atomics.add(this.#ints, index * LINE_INTS + PLACED, delta);
  }

  /** Forgets the tasks of scheduler `index`, whose thread died. */
  clearPlaced(index: number): void {
    Atomics.store(this.#ints, index * LINE_INTS + PLACED, 0);
  }

  /** Counts a move of `count` tasks from scheduler `from` to scheduler `to`. */
  migrated(from: number, to: number, count: number): void {
    Atomics.add(this.#ints, from * LINE_INTS + MIGRATED_OUT, count);
    Atomics.add(this.#ints, to * LINE_INTS + MIGRATED_IN, count);
  }

  read(index: number, inboxDepth: number): CoreStats {
    const base = index * LINE_INTS;
    const ints = this.#ints;
    return {
      index,
      runnable: Atomics.load(ints, base + RUNNABLE),
      waiting: Atomics.load(ints, base + WAITING),
      slices: this.#floats[(base >> 1) + SLICES_F64] as number,
      busy: Atomics.load(ints, base + BUSY) / 1e6,
      migrationsIn: Atomics.load(ints, base + MIGRATED_IN),
      migrationsOut: Atomics.load(ints, base + MIGRATED_OUT),
      placed: Atomics.load(ints, base + PLACED),
      inboxDepth,
    };
  }
}
