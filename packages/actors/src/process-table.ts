import { FreeSlots } from './free-slots.js';
import { generationOf, MAX_CORES, MAX_GENERATION, makePid, type Pid, slotOf } from './pid.js';

/** Makes every `where` from `movingFrom(MAX_CORES - 1)` up non-negative. */
const WHERE_BIAS = 1 + MAX_CORES;
/** Enough bits for every `where` plus the bias: 0 to 2 × MAX_CORES. */
const WHERE_BITS = 32 - Math.clz32(2 * MAX_CORES);
const WHERE_MASK = (1 << WHERE_BITS) - 1;
const HEADER_INTS = 16;
/** Header words: the next slot never used, and the capacity. */
const NEXT_UNUSED = 0;
const CAPACITY = 1;

/**
 * One int32 word per slot: its generation in the high bits and where its process is in the low ones —
 * a core (0 or more), `NOT_ALIVE`, or `movingFrom(core)` while it moves away from `core` — offset by
 * `WHERE_BIAS` to make it non-negative. One word, so that one atomic load reads a consistent pair:
 * a pid's core is looked up on every message sent to another core, and an `Atomics` call is a builtin
 * call of about 12 ns here, not an inlined load.
 */
const slotWord = (generation: number, where: number): number =>
  (generation << WHERE_BITS) | (where + WHERE_BIAS);
const generationIn = (word: number): number => word >>> WHERE_BITS;
const whereIn = (word: number): number => (word & WHERE_MASK) - WHERE_BIAS;

/** What `coreOf` answers for a pid that is not alive. */
export const NOT_ALIVE = -1;
/** The word of a process moving away from `core` (see `Migration`): -2 for core 0, -3 for core 1… */
export const movingFrom = (core: number): number => -2 - core;
/** True for what `coreOf` answers while a process moves: it is alive, but its messages wait. */
export const isMoving = (where: number): boolean => where < NOT_ALIVE;

/** What a table's buffers are, to hand to another thread. */
export interface ProcessTableHandle {
  slots: SharedArrayBuffer;
  free: SharedArrayBuffer;
}

/**
 * The shared process table: which core each live process runs on, for every thread at once. A pid
 * names a slot and a generation; the pid is alive while its slot holds that generation and a core.
 * Slots are handed out in order first, then reused from a ring of freed ones (first in, first out,
 * so a slot comes back as late as possible and an old pid is very unlikely to meet its slot's next
 * user).
 */
export class ProcessTable {
  readonly capacity: number;
  readonly #ints: Int32Array;
  readonly #free: FreeSlots;
  readonly handle: ProcessTableHandle;

  private constructor(handle: ProcessTableHandle) {
    this.handle = handle;
    this.#ints = new Int32Array(handle.slots);
    this.#free = new FreeSlots(handle.free);
    this.capacity = this.#ints[CAPACITY] as number;
  }

  /** A table for `capacity` processes, 1 to 2^21 (checked by `start`). */
  static create(capacity: number): ProcessTable {
    const slots = new SharedArrayBuffer(4 * (HEADER_INTS + capacity));
    const ints = new Int32Array(slots);
    ints[CAPACITY] = capacity;
    ints.fill(slotWord(0, NOT_ALIVE), HEADER_INTS);
    return new ProcessTable({ slots, free: FreeSlots.create(capacity).buffer });
  }

  static attach(handle: ProcessTableHandle): ProcessTable {
    return new ProcessTable(handle);
  }

  /** A new pid living on `core`, or undefined when the table is full (Erlang's `system_limit`). */
  allocate(core: number): Pid | undefined {
    const ints = this.#ints;
    let slot: number | undefined;
    if (Atomics.load(ints, NEXT_UNUSED) < this.capacity) {
      const next = Atomics.add(ints, NEXT_UNUSED, 1);
      if (next < this.capacity) slot = next;
    }
    slot ??= this.#free.take();
    if (slot === undefined) return undefined;
    const at = HEADER_INTS + slot;
    // The slot is this thread's alone until the store makes the new pid alive.
    const generation = (generationIn(Atomics.load(ints, at)) % MAX_GENERATION) + 1;
    Atomics.store(ints, at, slotWord(generation, core));
    return makePid(slot, generation);
  }

  /** The core `pid` lives on, `NOT_ALIVE`, or `movingFrom(core)` while it moves (see `isMoving`). */
  coreOf(pid: Pid): number {
    const slot = slotOf(pid);
    if (slot >= this.capacity) return NOT_ALIVE;
    const word = Atomics.load(this.#ints, HEADER_INTS + slot);
    return generationIn(word) === generationOf(pid) ? whereIn(word) : NOT_ALIVE;
  }

  /** True while `pid`'s process lives, on some core or moving between two. */
  isAlive(pid: Pid): boolean {
    return this.coreOf(pid) !== NOT_ALIVE;
  }

  /** Records where `pid`'s process is (a core, or `movingFrom(core)`); nothing for a pid not alive. */
  place(pid: Pid, where: number): void {
    const ints = this.#ints;
    const at = HEADER_INTS + slotOf(pid);
    const generation = generationOf(pid);
    const was = Atomics.load(ints, at);
    if (generationIn(was) !== generation || whereIn(was) === NOT_ALIVE) return;
    Atomics.compareExchange(ints, at, was, slotWord(generation, where));
  }

  /** Ends `pid`'s life in the table and frees its slot. Does nothing for a pid not alive. */
  release(pid: Pid): void {
    const ints = this.#ints;
    const at = HEADER_INTS + slotOf(pid);
    const generation = generationOf(pid);
    const dead = slotWord(generation, NOT_ALIVE);
    for (;;) {
      const was = Atomics.load(ints, at);
      if (generationIn(was) !== generation || was === dead) return;
      // Only the thread whose CAS ends the pid's life frees the slot.
      if (Atomics.compareExchange(ints, at, was, dead) === was) break;
    }
    this.#free.give(slotOf(pid));
  }

  /** Every live pid on `core`, and those moving away from it. */
  pidsOn(core: number): Pid[] {
    const moving = movingFrom(core);
    return this.#collect((at) => at === core || at === moving);
  }

  /** Every live pid, on every core, in one pass over the table. */
  livePids(): Pid[] {
    return this.#collect((at) => at !== NOT_ALIVE);
  }

  #collect(wanted: (core: number) => boolean): Pid[] {
    const ints = this.#ints;
    const pids: Pid[] = [];
    const used = Math.min(Atomics.load(ints, NEXT_UNUSED), this.capacity);
    for (let slot = 0; slot < used; slot++) {
      const word = Atomics.load(ints, HEADER_INTS + slot);
      if (wanted(whereIn(word))) pids.push(makePid(slot, generationIn(word)));
    }
    return pids;
  }

  /** Live processes in the whole system. */
  get size(): number {
    const used = Math.min(Atomics.load(this.#ints, NEXT_UNUSED), this.capacity);
    return Math.max(used - this.#free.size, 0);
  }
}
