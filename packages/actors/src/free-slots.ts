/**
 * The slots of the process table that dead processes gave back, first in, first out, for any
 * thread to take and give back: Dmitry Vyukov's bounded many-to-many queue, a ring whose cells each
 * carry a sequence number, over int32 words only.
 *
 * Why not an `LMSQueue`: when this ring replaced one, the queue's words were 64-bit `bigint`s that
 * V8 boxed on every `Atomics` call, about 240 bytes of garbage per spawn and exit. The queue's
 * words are int32s now and allocate nothing either, but a take and a give here still cost 142 ns
 * on one thread against 323 for an `LMSQueue` dequeue and enqueue (a scratch script, medians of
 * five): the ring has no links to keep, no pool of nodes and no doorbell. The price is that this
 * ring is not lock-free: a take that comes to a cell whose give has claimed it but not yet filled
 * it waits for that give, and a give that comes to a cell whose take one lap earlier has claimed it
 * but not yet emptied it waits for that take. Between its claim and its store a thread only reads or writes the slot, with
 * no loop and no call into JavaScript, so it is held there only while the OS preempts it; a worker
 * thread that is terminated stops at V8's next check for interrupts, which comes at a function's
 * entry or a loop's back edge, not inside that window.
 *
 * ```text
 * int32   0  the position of the next give (its own cache line)
 * int32  16  the position of the next take (its own cache line)
 * int32  32  cells, two words each: sequence, slot
 * ```
 *
 * A cell at ring index `i` is free for the give at position `p` (`p & mask === i`) when its
 * sequence is `p`, and full for the take at `p` when it is `p + 1`; a take leaves it at
 * `p + ring size`, ready for the give one lap later. Positions and sequences are int32 and wrap,
 * compared by their difference.
 */
const GIVE = 0;
const TAKE = 16;
const CELLS = 32;

export class FreeSlots {
  readonly buffer: SharedArrayBuffer;
  readonly #ints: Int32Array;
  readonly #mask: number;

  /**
   * A ring for up to `capacity` slots (1 to 2^29). `startAt` sets where its positions begin, so
   * that a test can watch them wrap.
   */
  static create(capacity: number, startAt = 0): FreeSlots {
    // At least two cells: in a ring of one, a full cell's sequence (p + 1) would read as free for
    // the next give (at p + 1).
    const size = Math.max(2, 2 ** Math.ceil(Math.log2(capacity)));
    const buffer = new SharedArrayBuffer(4 * (CELLS + 2 * size));
    const ints = new Int32Array(buffer);
    ints[GIVE] = startAt;
    ints[TAKE] = startAt;
    for (let i = 0; i < size; i++) {
      const position = (startAt + i) | 0;
      ints[CELLS + 2 * (position & (size - 1))] = position;
    }
    return new FreeSlots(buffer);
  }

  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#ints = new Int32Array(buffer);
    this.#mask = (this.#ints.length - CELLS) / 2 - 1;
  }

  /** Gives `slot` back. Every slot is given back at most once per take, so the ring is never full. */
  give(slot: number): void {
    const ints = this.#ints;
    const mask = this.#mask;
    let position = Atomics.load(ints, GIVE);
    for (;;) {
      const at = CELLS + 2 * (position & mask);
      const ahead = (Atomics.load(ints, at) - position) | 0;
      if (ahead === 0) {
        const was = Atomics.compareExchange(ints, GIVE, position, (position + 1) | 0);
        if (was === position) {
          ints[at + 1] = slot;
          // Publishes the slot: a take that reads this sequence reads the slot written before it.
          Atomics.store(ints, at, (position + 1) | 0);
          return;
        }
        position = was;
      } else {
        // Behind: the take one lap ago has not let go of this cell yet. Ahead: another give took
        // this position. Either way, look again.
        if (ahead < 0 && ((position - Atomics.load(ints, TAKE)) | 0) > mask) {
          throw new RangeError(
            `slot ${slot} cannot be given back: the ring is full, so more slots were given back than taken`,
          );
        }
        position = Atomics.load(ints, GIVE);
      }
    }
  }

  /** The slot given back longest ago, or undefined when none is waiting. */
  take(): number | undefined {
    const ints = this.#ints;
    const mask = this.#mask;
    let position = Atomics.load(ints, TAKE);
    for (;;) {
      const at = CELLS + 2 * (position & mask);
      const ahead = (Atomics.load(ints, at) - position - 1) | 0;
      if (ahead === 0) {
        const was = Atomics.compareExchange(ints, TAKE, position, (position + 1) | 0);
        if (was === position) {
          const slot = ints[at + 1] as number;
          Atomics.store(ints, at, (position + mask + 1) | 0);
          return slot;
        }
        position = was;
      } else {
        // Behind: the cell is empty, because the ring is, or because the give that claimed it has
        // not filled it yet (then wait for it). Ahead: another take took this position.
        if (ahead < 0 && ((Atomics.load(ints, GIVE) - position) | 0) <= 0) return undefined;
        position = Atomics.load(ints, TAKE);
      }
    }
  }

  /**
   * How many slots wait in the ring: exact when no give or take is under way, and always between 0
   * and the ring's size (the two positions are read one after the other, and others may move both
   * in between).
   */
  get size(): number {
    const waiting = (Atomics.load(this.#ints, GIVE) - Atomics.load(this.#ints, TAKE)) | 0;
    return Math.min(Math.max(waiting, 0), this.#mask + 1);
  }
}
