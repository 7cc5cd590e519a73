import { LMSQueue } from '@beamish/lfqueue';
import { generationOf, MAX_GENERATION, makePid, type Pid, slotOf } from './pid.js';

/**
 * int32 words per slot: its generation, and where its process is: a core (0 or more), `NOT_ALIVE`,
 * or `movingFrom(core)` while it moves away from `core`.
 */
const SLOT_INTS = 2;
const HEADER_INTS = 16;
/** Header words: the next slot never used, and the capacity. */
const NEXT_UNUSED = 0;
const CAPACITY = 1;

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
 * Slots are handed out in order first, then reused from a lock-free queue of freed ones (FIFO, so a
 * slot comes back as late as possible and an old pid is very unlikely to meet its slot's next user).
 */
export class ProcessTable {
  readonly capacity: number;
  readonly #ints: Int32Array;
  readonly #free: LMSQueue;
  readonly handle: ProcessTableHandle;

  private constructor(handle: ProcessTableHandle) {
    this.handle = handle;
    this.#ints = new Int32Array(handle.slots);
    this.#free = LMSQueue.attach(handle.free, { spareNodes: 0 });
    this.capacity = this.#ints[CAPACITY] as number;
  }

  /** A table for `capacity` processes, 1 to 2^21 (checked by `start`). */
  static create(capacity: number): ProcessTable {
    const slots = new SharedArrayBuffer(4 * (HEADER_INTS + SLOT_INTS * capacity));
    const ints = new Int32Array(slots);
    ints[CAPACITY] = capacity;
    for (let slot = 0; slot < capacity; slot++) ints[HEADER_INTS + SLOT_INTS * slot + 1] = -1;
    return new ProcessTable({ slots, free: LMSQueue.create({ capacity }).buffer });
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
    slot ??= this.#free.tryDequeue();
    if (slot === undefined) return undefined;
    const at = HEADER_INTS + SLOT_INTS * slot;
    const generation = ((Atomics.load(ints, at) as number) % MAX_GENERATION) + 1;
    Atomics.store(ints, at + 1, core);
    Atomics.store(ints, at, generation);
    return makePid(slot, generation);
  }

  /** The core `pid` lives on, `NOT_ALIVE`, or `movingFrom(core)` while it moves (see `isMoving`). */
  coreOf(pid: Pid): number {
    const ints = this.#ints;
    const slot = slotOf(pid);
    if (slot >= this.capacity) return -1;
    const at = HEADER_INTS + SLOT_INTS * slot;
    const generation = generationOf(pid);
    if (Atomics.load(ints, at) !== generation) return -1;
    const core = Atomics.load(ints, at + 1);
    // Read the generation again: the slot may have changed hands between the two loads.
    return Atomics.load(ints, at) === generation ? core : -1;
  }

  /** True while `pid`'s process lives, on some core or moving between two. */
  isAlive(pid: Pid): boolean {
    return this.coreOf(pid) !== NOT_ALIVE;
  }

  /** Records where `pid`'s process is (a core, or `movingFrom(core)`); nothing for a pid not alive. */
  place(pid: Pid, where: number): void {
    const ints = this.#ints;
    const at = HEADER_INTS + SLOT_INTS * slotOf(pid);
    if (Atomics.load(ints, at) !== generationOf(pid)) return;
    const was = Atomics.load(ints, at + 1);
    if (was !== NOT_ALIVE) Atomics.compareExchange(ints, at + 1, was, where);
  }

  /** Ends `pid`'s life in the table and frees its slot. Does nothing for a pid not alive. */
  release(pid: Pid): void {
    const ints = this.#ints;
    const at = HEADER_INTS + SLOT_INTS * slotOf(pid);
    if (Atomics.load(ints, at) !== generationOf(pid)) return;
    if (Atomics.exchange(ints, at + 1, -1) === -1) return;
    this.#free.tryEnqueue(slotOf(pid));
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
      const at = HEADER_INTS + SLOT_INTS * slot;
      if (wanted(Atomics.load(ints, at + 1))) pids.push(makePid(slot, Atomics.load(ints, at)));
    }
    return pids;
  }

  /** Live processes in the whole system. */
  get size(): number {
    const used = Math.min(Atomics.load(this.#ints, NEXT_UNUSED), this.capacity);
    return used - this.#free.size();
  }
}
