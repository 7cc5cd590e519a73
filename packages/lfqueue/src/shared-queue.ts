import { Doorbell } from './doorbell.js';
import { FreeList } from './free-list.js';
import { DOORBELL_OFFSET, HEAD, MAX_VALUE, TAIL, type Views, valueSlot } from './layout.js';
import { checkInteger, checkTimeout, describe } from './validate.js';

/** Options for one handle on a queue: `LMSQueue.attach(buffer, options)`, and `create`. */
export interface HandleOptions {
  /**
   * How many nodes freed by this handle's dequeues it keeps, for its own enqueues or to give back to
   * the pool in one CAS (and, with `batchEnqueues`, the size of the batches its enqueues take).
   * Keeping a few halves the traffic on the pool's head between a producer and a consumer thread.
   * The handle gives them back when a dequeue finds the queue empty or when `releaseSpares()` is
   * called; until then other handles can find the queue full that many nodes early. 0 turns this
   * off.
   *
   * @defaultValue capacity / 16, at most 32
   */
  spareNodes?: number;
  /**
   * For a handle that streams values into the queue: an enqueue that finds the handle without spare
   * nodes takes a batch of up to `spareNodes` (at most 32) from the pool with one CAS, instead of one
   * node per enqueue. Between one producer thread and one consumer thread this is the largest
   * single saving (see the README's figures).
   *
   * The nodes of a batch that the handle has not used yet are its own: other handles can find the
   * queue full up to that many nodes early, and they come back only through `releaseSpares()` or a
   * dequeue through this handle that finds the queue empty. Call `releaseSpares()` when the handle is
   * done; a thread that ends without doing so loses them for good. Leave it off for handles that
   * enqueue now and then, or for many handles on one small queue.
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
   * How many values the queue holds at most (its node pool has one node more, for the dummy).
   * From 1 to 2^26.
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

/** The default of `spareNodes`: a dequeuing handle keeps up to capacity / 16 freed nodes, at most 32. */
const MAX_SPARES = 32;
const SPARES_PER_CAPACITY = 16;
/** The largest batch `batchEnqueues` takes, whatever `spareNodes` is: the walk down the pool is as long. */
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
  protected readonly words: BigInt64Array;
  /** @internal */
  protected readonly ints: Int32Array;
  /** @internal */
  protected readonly freeList: FreeList;
  /** @internal */
  protected readonly tally: QueueCounters = { operations: 0, casFailures: 0, fixLists: 0 };

  /** Nodes this handle freed and keeps for its own enqueues, or to give back in one CAS. */
  readonly #spares: Int32Array;
  #spareCount = 0;
  /** How many nodes an enqueue takes from the pool at once: 0 without `batchEnqueues`. */
  readonly #batch: number;

  /** @internal */
  protected constructor(views: Views, options: HandleOptions) {
    this.buffer = views.buffer;
    this.capacity = views.capacity;
    this.words = views.words;
    this.ints = views.ints;
    this.freeList = new FreeList(views.words, views.ints, views.links);
    this.doorbell = Doorbell.attach(views.buffer, DOORBELL_OFFSET);
    const spareNodes =
      options.spareNodes === undefined
        ? Math.min(MAX_SPARES, Math.floor(views.capacity / SPARES_PER_CAPACITY))
        : checkInteger('options.spareNodes', options.spareNodes, 0, views.capacity);
    this.#spares = new Int32Array(spareNodes);
    if (options.batchEnqueues !== undefined && typeof options.batchEnqueues !== 'boolean') {
      throw new TypeError(
        `options.batchEnqueues must be true or false, got ${describe(options.batchEnqueues)}`,
      );
    }
    this.#batch = options.batchEnqueues === true ? Math.min(spareNodes, MAX_BATCH) : 0;
  }

  /**
   * @internal Checks `value` and stores it in a node for an enqueue to link: one of this handle's
   * spares, or one from the shared pool. -1 when every node is in use.
   */
  protected nodeFor(value: number): number {
    if ((value | 0) !== value || value < 0) checkInteger('value', value, 0, MAX_VALUE);
    let node: number;
    if (this.#spareCount > 0) node = this.#spares[--this.#spareCount] as number;
    else if (this.#batch === 0) node = this.freeList.pop();
    else {
      // Out of spares: take a batch from the pool with one CAS, as a dequeuing handle gives them back.
      this.#spareCount = this.freeList.popMany(this.#spares, this.#batch);
      node = this.#spareCount > 0 ? (this.#spares[--this.#spareCount] as number) : -1;
    }
    // A plain store: the CAS that links the node publishes it.
    if (node >= 0) this.ints[valueSlot(node)] = value;
    return node;
  }

  /** @internal Keeps a node freed by a dequeue, handing the spares back in one CAS when there are enough. */
  protected retireNode(node: number): void {
    const spares = this.#spares;
    if (spares.length === 0) {
      this.freeList.push(node);
      return;
    }
    if (this.#spareCount === spares.length) this.releaseSpares();
    spares[this.#spareCount++] = node;
  }

  /**
   * Gives the nodes this handle keeps back to the shared pool. A dequeue that finds the queue empty
   * does this by itself; call it when a handle that has been dequeuing stops before that.
   */
  releaseSpares(): void {
    const count = this.#spareCount;
    if (count === 0) return;
    const spares = this.#spares;
    for (let i = 1; i < count; i++) this.freeList.link(spares[i - 1] as number, spares[i] as number);
    this.freeList.pushChain(spares[0] as number, spares[count - 1] as number);
    this.#spareCount = 0;
  }

  /**
   * Appends `value` unless every node is in use, in which case it returns `false` and changes
   * nothing: a full queue never drops or overwrites.
   *
   * The queue has `capacity + 1` nodes, one of them the dummy, so `false` comes at `capacity` values
   * when no other thread is in the middle of an operation. An operation in progress holds a node
   * for a moment (an enqueue before it links it, a dequeue until it frees the old dummy), so under
   * concurrency `false` can come a value or two earlier: retry, as for a full queue. Nodes that other
   * handles keep (`spareNodes`, `batchEnqueues`) are not available either.
   *
   * @param value - an integer from 0 to 2^31 − 1 (a handle the caller maps to its payload).
   * @throws TypeError or RangeError when `value` is not such an integer.
   */
  abstract tryEnqueue(value: number): boolean;

  /** Removes and returns the oldest value, or `undefined` when the queue is empty. */
  abstract tryDequeue(): number | undefined;

  /**
   * How many values the queue holds: exact when no other thread is using it, an estimate under
   * concurrency (the head and tail tags count dequeues and enqueues, read one after the other).
   */
  size(): number {
    const tail = Atomics.load(this.words, TAIL);
    const head = Atomics.load(this.words, HEAD);
    const size = Number(BigInt.asIntN(32, (tail >> 32n) - (head >> 32n)));
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
