import { Doorbell } from './doorbell.js';
import { DOORBELL_OFFSET, HEAD, MAX_VALUE, POSITION, slot, TAIL, VALUE, type Views } from './layout.js';
import { NodePool } from './node-pool.js';
import { nullIndex } from './pointer.js';
import { checkInteger, checkTimeout, describe } from './validate.js';

/** Options for one handle on a queue: `LMSQueue.attach(buffer, options)`, and `create`. */
export interface HandleOptions {
  /**
   * How many nodes freed by this handle's dequeues it collects before it gives them back to the
   * pool in one CAS (and, with `batchEnqueues`, the size of the batches its enqueues take).
   * Collecting a few cuts the traffic on the pool's tail. The handle gives them back when it has
   * that many, when a dequeue finds the queue empty, when one of its enqueues finds the pool empty,
   * and on `releaseSpares()`; until then other handles can find the queue full that many nodes
   * early. 0 gives every node back at once.
   *
   * @defaultValue capacity / 16, at most 32
   */
  spareNodes?: number;
  /**
   * For a handle that streams values into the queue: an enqueue that finds the handle without nodes
   * takes a batch of up to `spareNodes` (at most 32) from the pool with one CAS, instead of one node
   * per enqueue. Between one producer thread and one consumer thread this is the largest single
   * saving (see the README's figures).
   *
   * The nodes of a batch that the handle has not used yet are its own: other handles can find the
   * queue full up to that many nodes early, and they come back only through `releaseSpares()`. Call
   * it when the handle is done, not after every burst: every node a batch takes starts a new
   * generation whether it is used or not, and generations are what protects the queue from ABA (see
   * the README). A thread that ends without calling it loses the nodes for good. Leave batches off
   * for handles that enqueue now and then, or for many handles on one small queue.
   *
   * @defaultValue false
   * @example
   * ```ts
   * const producer = LMSQueue.attach(buffer, { batchEnqueues: true });
   * for (const value of values) while (!producer.tryEnqueue(value)) await pause();
   * producer.releaseSpares();
   * ```
   */
  batchEnqueues?: boolean;
}

/** Options for `LMSQueue.create` and `MSQueue.create`. */
export interface QueueOptions extends HandleOptions {
  /**
   * How many values the queue holds at most (its node pool has two nodes more, for the queue's
   * dummy and the pool's). From 1 to 2^26.
   *
   * @defaultValue 65536
   */
  capacity?: number;
}

/** Counts of this handle's retries, for benchmarks and diagnostics. Not shared between threads. */
export interface QueueCounters {
  /** Enqueues and dequeues completed through this handle. */
  operations: number;
  /** CAS instructions on the head or tail that failed because another thread got there first. */
  casFailures: number;
  /** Times a dequeue found a missing or stale `prev` link and repaired the list (LMSQueue only). */
  fixLists: number;
}

/** The default of `spareNodes`: a dequeuing handle collects up to capacity / 16 freed nodes, at most 32. */
const MAX_SPARES = 32;
const SPARES_PER_CAPACITY = 16;
/** The largest batch `batchEnqueues` takes, whatever `spareNodes` is: the walk along the pool is as long. */
const MAX_BATCH = 32;

/**
 * What both queues share: the buffer and its node pool, the doorbell, waiting, and the size estimate.
 * `LMSQueue` and `MSQueue` supply `tryEnqueue` and `tryDequeue`.
 */
export abstract class SharedQueue {
  /** The queue's memory: pass it to another thread and `attach` it there. */
  readonly buffer: SharedArrayBuffer;
  /** How many values the queue holds at most. */
  readonly capacity: number;
  /**
   * Rung by every successful enqueue; `dequeue` and `dequeueAsync` sleep on it. Producers that pass
   * values by other means can ring it too.
   */
  readonly doorbell: Doorbell;
  /** @internal */
  protected readonly ints: Int32Array;
  /** @internal How many low bits of a pointer word hold the node index. */
  protected readonly indexBits: number;
  /** @internal The low bits of a pointer word, all set: also the null index. */
  protected readonly indexMask: number;
  /** @internal */
  protected readonly tally: QueueCounters = { operations: 0, casFailures: 0, fixLists: 0 };

  /** @internal The free nodes (an internal field, so that tests can pause a thread inside a take or give). */
  protected readonly pool: NodePool;
  /** Nodes this handle's dequeues freed, to give back to the pool in one CAS. */
  readonly #freed: Int32Array;
  #freedCount = 0;
  /** Nodes taken from the pool for this handle's enqueues and not used yet. */
  readonly #fresh: Int32Array;
  #freshCount = 0;
  /** How many nodes an enqueue takes from the pool at once. */
  readonly #batch: number;

  /** @internal */
  protected constructor(views: Views, options: HandleOptions) {
    this.buffer = views.buffer;
    this.capacity = views.capacity;
    this.ints = views.ints;
    this.indexBits = views.indexBits;
    this.indexMask = nullIndex(views.indexBits);
    this.pool = new NodePool(views.ints, views.indexBits);
    this.doorbell = Doorbell.attach(views.buffer, DOORBELL_OFFSET);
    const spareNodes =
      options.spareNodes === undefined
        ? Math.min(MAX_SPARES, Math.floor(views.capacity / SPARES_PER_CAPACITY))
        : checkInteger('options.spareNodes', options.spareNodes, 0, views.capacity);
    this.#freed = new Int32Array(spareNodes);
    if (options.batchEnqueues !== undefined && typeof options.batchEnqueues !== 'boolean') {
      throw new TypeError(
        `options.batchEnqueues must be true or false, got ${describe(options.batchEnqueues)}`,
      );
    }
    this.#batch = options.batchEnqueues === true ? Math.max(1, Math.min(spareNodes, MAX_BATCH)) : 1;
    this.#fresh = new Int32Array(this.#batch);
  }

  /**
   * @internal Checks `value` and stores it in a node for an enqueue to link: one this handle took
   * in its last batch, or one from the pool. -1 when every node is in use.
   */
  protected nodeFor(value: number): number {
    if ((value | 0) !== value || value < 0) checkInteger('value', value, 0, MAX_VALUE);
    if (this.#freshCount === 0) {
      this.#freshCount = this.pool.take(this.#fresh, this.#batch);
      if (this.#freshCount === 0 && this.#freedCount > 0) {
        // The pool is empty but this handle holds freed nodes: they go to the back of the pool, as
        // always, and come out again.
        this.#giveFreed();
        this.#freshCount = this.pool.take(this.#fresh, this.#batch);
      }
      if (this.#freshCount === 0) return -1;
    }
    const node = this.#fresh[--this.#freshCount] as number;
    // A plain store: the CAS that links the node publishes it.
    this.ints[slot(node, VALUE)] = value;
    return node;
  }

  /** @internal Collects a node freed by a dequeue, giving the collection back in one CAS when it is full. */
  protected retireNode(node: number): void {
    const freed = this.#freed;
    if (freed.length === 0) {
      this.pool.give(node, node);
      return;
    }
    freed[this.#freedCount++] = node;
    if (this.#freedCount === freed.length) this.#giveFreed();
  }

  /** Gives the nodes this handle's dequeues freed back to the pool, in the order they were freed. */
  #giveFreed(): void {
    this.#giveChain(this.#freed, this.#freedCount);
    this.#freedCount = 0;
  }

  /** Links `count` nodes of `nodes` into a chain and gives it to the pool with one CAS. */
  #giveChain(nodes: Int32Array, count: number): void {
    if (count === 0) return;
    const pool = this.pool;
    for (let i = 1; i < count; i++) pool.link(nodes[i - 1] as number, nodes[i] as number);
    pool.give(nodes[0] as number, nodes[count - 1] as number);
  }

  /**
   * Gives the nodes this handle keeps back to the shared pool: those its dequeues freed, and those
   * its enqueues took in a batch and have not used. A dequeue that finds the queue empty gives back
   * the first kind by itself; call this when a handle stops using the queue (with `batchEnqueues`,
   * not after every burst: see there).
   */
  releaseSpares(): void {
    this.#giveFreed();
    this.#giveChain(this.#fresh, this.#freshCount);
    this.#freshCount = 0;
  }

  /**
   * @internal Records that `node` is enqueued right after `last`, for `size()`: a plain store before
   * the CAS that links the node publishes it.
   */
  protected placeAfter(node: number, last: number): void {
    const ints = this.ints;
    ints[slot(node, POSITION)] = ((ints[slot(last, POSITION)] as number) + 1) | 0;
  }

  /** @internal What a dequeue that finds the queue empty does: lets producers have the freed nodes. */
  protected foundEmpty(): void {
    if (this.#freedCount > 0) this.#giveFreed();
  }

  /**
   * Appends `value` unless every node is in use, in which case it returns `false` and changes
   * nothing: a full queue never drops or overwrites.
   *
   * The queue has `capacity` nodes for values, so `false` comes at `capacity` values when no other
   * thread is in the middle of an operation. An operation in progress holds a node for a moment (an
   * enqueue before it links it, a dequeue until it frees the old dummy), so under concurrency
   * `false` can come a value or two earlier: retry, as for a full queue. Nodes that other handles
   * keep (`spareNodes`, `batchEnqueues`) are not available either.
   *
   * @param value - an integer from 0 to 2^31 − 1 (a handle the caller maps to its payload).
   * @throws TypeError or RangeError when `value` is not such an integer.
   */
  abstract tryEnqueue(value: number): boolean;

  /** Removes and returns the oldest value, or `undefined` when the queue is empty. */
  abstract tryDequeue(): number | undefined;

  /**
   * How many values the queue holds: exact when no other thread is using it, an estimate under
   * concurrency (every node records its position in the order of enqueues; this reads the tail's
   * and the head's, one after the other).
   */
  size(): number {
    const ints = this.ints;
    const mask = this.indexMask;
    const tail = Atomics.load(ints, TAIL) & mask;
    const head = Atomics.load(ints, HEAD) & mask;
    const size = ((ints[slot(tail, POSITION)] as number) - (ints[slot(head, POSITION)] as number)) | 0;
    return size < 0 ? 0 : size > this.capacity ? this.capacity : size;
  }

  /**
   * Removes and returns the oldest value, blocking this thread on the doorbell while the queue is
   * empty; `undefined` if `timeoutMs` passes first. Use `dequeueAsync` on a thread with an event
   * loop to serve.
   *
   * @defaultValue `timeoutMs`: `Infinity`
   * @example
   * ```ts
   * const value = queue.dequeue(1000); // a worker waiting for work, at most a second
   * ```
   */
  dequeue(timeoutMs = Number.POSITIVE_INFINITY): number | undefined {
    checkTimeout('timeoutMs', timeoutMs);
    let deadline = Number.NaN;
    for (;;) {
      const value = this.tryDequeue();
      if (value !== undefined) return value;
      // Only a dequeue that has to wait reads the clock.
      if (Number.isNaN(deadline)) deadline = performance.now() + timeoutMs;
      const sleep = this.#beforeSleep(deadline);
      if (typeof sleep === 'number') return sleep;
      if (this.doorbell.wait(sleep.ticket, sleep.ms) === 'timed-out') return this.tryDequeue();
    }
  }

  /**
   * Like {@link SharedQueue.dequeue}, without blocking the thread; the event loop stays alive while
   * it waits.
   *
   * @defaultValue `timeoutMs`: `Infinity`
   * @example
   * ```ts
   * const value = await queue.dequeueAsync(1000);
   * ```
   */
  async dequeueAsync(timeoutMs = Number.POSITIVE_INFINITY): Promise<number | undefined> {
    checkTimeout('timeoutMs', timeoutMs);
    let deadline = Number.NaN;
    for (;;) {
      const value = this.tryDequeue();
      if (value !== undefined) return value;
      if (Number.isNaN(deadline)) deadline = performance.now() + timeoutMs;
      const sleep = this.#beforeSleep(deadline);
      if (typeof sleep === 'number') return sleep;
      if ((await this.doorbell.waitAsync(sleep.ticket, sleep.ms)) === 'timed-out') return this.tryDequeue();
    }
  }

  /**
   * What both `dequeue`s do before they sleep: announce a sleeper, then look once more. Returns the
   * value that came meanwhile, or the ticket to wait on and for how long.
   */
  #beforeSleep(deadline: number): number | { ticket: number; ms: number } {
    const ticket = this.doorbell.prepare();
    const late = this.#lastLook();
    if (late !== undefined) return late;
    const left = deadline - performance.now();
    return { ticket, ms: left > 0 ? left : 0 };
  }

  /** This handle's operation and retry counts since it was made. */
  counters(): QueueCounters {
    return { ...this.tally };
  }

  /** The look after `doorbell.prepare()` that no wake-up can slip past; cancels the sleep if it finds a value. */
  #lastLook(): number | undefined {
    const late = this.tryDequeue();
    if (late !== undefined) this.doorbell.cancel();
    return late;
  }
}
