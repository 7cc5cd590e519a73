import { OutOfMemoryError, SharedHeap } from '@beamish/arena';
import { LMSQueue } from '@beamish/lfqueue';
import { Decoder } from './codec/decoder.js';
import { Encoder } from './codec/encoder.js';

/** How long a held-back batch waits before the next try. */
const RETRY_MS = 1;
/** A batch this big goes at once, without waiting for the end of the sender's synchronous run. */
const BATCH_BYTES = 64 * 1024;
/**
 * How many batches a scheduler takes from its inbox per turn. The messages delivered wait in
 * mailboxes until their processes run: taken a few batches at a time, they are received while still
 * young (the garbage collector's cheap case), and a flood of messages does not hold up the core's
 * other work. What is left is taken next turn. Measured one way across cores: a quarter more
 * messages per second than taking the whole inbox at once.
 */
export const BATCHES_PER_TURN = 4;

/** Messages for one receiver, encoded one after the other. */
interface Batch {
  bytes: Uint8Array;
  count: number;
}

/**
 * The cross-core channel: a scheduler's inbox is an `LMSQueue` of one-word handles, each the offset
 * of a batch of messages in a `SharedHeap` that every scheduler attaches. A sender encodes its
 * messages for a receiver one after the other; the batch goes when the sender's synchronous run ends
 * (a microtask: for a scheduler, the end of its turn), or sooner once it holds 64 KiB. The receiver
 * decodes the batch straight from shared memory and frees it. No `postMessage` on this path, and
 * enqueueing, allocation and the doorbell cost once per batch rather than per message.
 *
 * A full inbox (or heap) applies backpressure: the batch waits in the sender's outbox, in order,
 * and the channel retries every millisecond until it has gone. Nothing is dropped, and what one
 * sender sends to one receiver arrives in the order it was sent.
 *
 * Messages are copied by the package's codec (see {@link Encoder}): primitives, strings, arrays,
 * plain objects, Map, Set, Date, typed arrays, ArrayBuffer, Error and classes given an extension.
 * Every thread makes its own `Channel` over the same buffers; receiver `i` drains inbox `i`.
 *
 * @example
 * ```ts
 * const heap = SharedHeap.create({ bytes: 1 << 20 }).buffer;
 * const inboxes = [LMSQueue.create({ capacity: 1024 }).buffer, LMSQueue.create({ capacity: 1024 }).buffer];
 * const channel = new Channel(heap, inboxes); // and `new Channel(heap, inboxes)` in the thread of inbox 1
 * channel.send(1, { hello: 'world' }); // goes at the end of this synchronous run, or on flush()
 * // in the thread of inbox 1, on waking from channel.doorbell(1):
 * channel.drain(1, (message) => console.log(message)); // { hello: 'world' }
 * ```
 */
export class Channel {
  readonly #heap: SharedHeap;
  /** The heap's memory, viewed once: a batch's length (int32) at its offset, its bytes 8 further. */
  readonly #ints: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #inboxes: LMSQueue[] = [];
  readonly #decoder: Decoder;
  /** Encodes what `check` is asked about, and nothing else. */
  readonly #scratch: Encoder;
  /** A batch this big goes at once: 64 KiB, or a quarter of a smaller heap. */
  readonly #batchBytes: number;
  /** The largest message the heap can ever carry, with a batch of others before it in the same allocation. */
  readonly #largest: number;
  /** What shared sends may reference: the channel's heap, then the buffers it was given. */
  readonly #shared: readonly SharedArrayBuffer[];
  /** The batch being filled for each receiver, and how many messages it holds. */
  readonly #open: Encoder[] = [];
  readonly #openCounts: number[] = [];
  #flushQueued = false;
  readonly #flushOpen = (): void => {
    this.#flushQueued = false;
    for (let to = 0; to < this.#open.length; to++) this.#commit(to);
  };
  /** Batches waiting for room, per receiver, oldest first. */
  readonly #outboxes: Batch[][] = [];
  /** The pending retry of held-back batches, if any. */
  #retry: NodeJS.Timeout | undefined;
  readonly #retryNow = (): void => {
    this.#retry = undefined;
    this.flush();
  };

  /**
   * @param shared - `SharedArrayBuffer`s every thread has, given to every thread's `Channel` in the
   *   same order: views on them sent with `share` travel by reference.
   */
  constructor(
    heap: SharedArrayBuffer,
    inboxes: readonly SharedArrayBuffer[],
    shared: readonly SharedArrayBuffer[] = [],
  ) {
    this.#heap = SharedHeap.attach(heap);
    this.#shared = [heap, ...shared];
    this.#decoder = new Decoder(this.#shared);
    this.#scratch = new Encoder(this.#shared);
    this.#batchBytes = Math.min(BATCH_BYTES, heap.byteLength / 4);
    this.#largest = heap.byteLength - this.#batchBytes - 1024;
    this.#ints = new Int32Array(heap);
    this.#bytes = new Uint8Array(heap);
    for (const buffer of inboxes) {
      this.#inboxes.push(LMSQueue.attach(buffer));
      this.#outboxes.push([]);
      this.#open.push(new Encoder(this.#shared));
      this.#openCounts.push(0);
    }
  }

  /**
   * Sends `message` to receiver `to`. It goes with the others sent to `to` in this synchronous run,
   * at its end (or on {@link Channel.flush}); when the inbox is full, as soon as it has room. With
   * `share`, views on the channel's shared buffers go by reference (see `Encoder.append`).
   *
   * @throws CodecError naming where in `message` a value cannot be copied, having sent nothing;
   *   RangeError for a receiver `to` that is not there, or a message too big for the heap ever to
   *   carry.
   */
  send(to: number, message: unknown, share = false): void {
    const batch = this.#open[to];
    if (batch === undefined) throw this.#noReceiver(to);
    const before = batch.length;
    batch.append(message, 'message', share);
    this.#appended(to, batch, before);
  }

  /**
   * Sends `message` to receiver `to` for `address`, one of service `service`'s addressees: `drain`
   * hands it over as `deliver(message, service, address)`. Ordered with `send`; the same errors,
   * the path starting at `message`.
   */
  sendAddressed(to: number, service: number, address: number, message: unknown, share = false): void {
    const batch = this.#open[to];
    if (batch === undefined) throw this.#noReceiver(to);
    const before = batch.length;
    batch.appendAddressed(service, address, message, 'message', share);
    this.#appended(to, batch, before);
  }

  /** Counts what `send` or `sendAddressed` appended to the batch of `to`, and sees the batch goes. */
  #appended(to: number, batch: Encoder, before: number): void {
    const size = batch.length - before;
    if (size > this.#largest) {
      batch.truncate(before);
      throw this.#tooBig(size);
    }
    this.#openCounts[to] = (this.#openCounts[to] as number) + 1;
    if (batch.length >= this.#batchBytes) this.#commit(to);
    else if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(this.#flushOpen);
    }
  }

  /**
   * Throws what `send(to, message, share)` would throw for `message`, sending nothing: for a message
   * that has to wait before it can be sent, so that its sender hears of a problem at once.
   *
   * @throws CodecError or RangeError, as `send`.
   */
  check(message: unknown, share = false): void {
    // Left empty after every check: `append` keeps nothing of a message it refuses.
    const scratch = this.#scratch;
    scratch.append(message, 'message', share);
    const size = scratch.length;
    scratch.clear();
    if (size > this.#largest) throw this.#tooBig(size);
  }

  /** Sends what was sent so far and retries the batches held back by full inboxes; true when none is left. */
  flush(): boolean {
    for (let to = 0; to < this.#open.length; to++) this.#commit(to);
    let empty = true;
    for (let to = 0; to < this.#outboxes.length; to++) {
      const outbox = this.#outboxes[to] as Batch[];
      let sent = 0;
      while (sent < outbox.length && this.#trySend(to, (outbox[sent] as Batch).bytes)) sent++;
      if (sent > 0) outbox.splice(0, sent);
      if (outbox.length > 0) empty = false;
    }
    if (!empty) this.#retry ??= setTimeout(this.#retryNow, RETRY_MS);
    return empty;
  }

  /** Drops whatever is held back or not sent yet and stops retrying: the receivers are gone. */
  close(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    for (const outbox of this.#outboxes) outbox.length = 0;
    for (const batch of this.#open) batch.clear();
    this.#openCounts.fill(0);
  }

  /** Messages sent and not yet in their receiver's inbox, for all receivers. */
  get pending(): number {
    let count = 0;
    for (const outbox of this.#outboxes) for (const batch of outbox) count += batch.count;
    for (const open of this.#openCounts) count += open;
    return count;
  }

  /**
   * Takes the messages waiting in inbox `index`, oldest first — those of up to `maxBatches` batches
   * — handing each to `deliver`, with the service and address it was sent for with `sendAddressed`
   * (-1 and 0 for one sent with `send`). If `deliver` throws, the other messages of those batches are
   * still delivered, and the first error is thrown after.
   *
   * @returns how many messages there were.
   */
  drain(
    index: number,
    deliver: (message: unknown, service: number, address: number) => void,
    maxBatches = Number.POSITIVE_INFINITY,
  ): number {
    const inbox = this.#inboxes[index] as LMSQueue;
    let handle = inbox.tryDequeue();
    if (handle === undefined) return 0; // the usual case, at every turn: nothing made
    let batches = 0;
    let count = 0;
    let failed = false;
    let failure: unknown;
    const each = (message: unknown, service: number, address: number) => {
      try {
        deliver(message, service, address);
      } catch (error) {
        if (!failed) [failed, failure] = [true, error];
      }
    };
    for (; handle !== undefined; handle = ++batches < maxBatches ? inbox.tryDequeue() : undefined) {
      const start = handle + 8;
      try {
        count += this.#decoder.decodeEach(
          this.#bytes,
          start,
          start + (this.#ints[handle >> 2] as number),
          each,
        );
      } finally {
        this.#heap.free(handle);
      }
    }
    if (failed) throw failure;
    return count;
  }

  /**
   * Frees every batch waiting in inbox `index` without reading it: its receiver is gone, and its
   * messages may hold values this thread could not even decode (classes only it had defined).
   */
  discard(index: number): void {
    const inbox = this.#inboxes[index] as LMSQueue;
    for (let handle = inbox.tryDequeue(); handle !== undefined; handle = inbox.tryDequeue()) {
      this.#heap.free(handle);
    }
  }

  /** The doorbell of inbox `index`, which every batch sent to it rings. */
  doorbell(index: number) {
    return (this.#inboxes[index] as LMSQueue).doorbell;
  }

  /** Batches of messages waiting in inbox `index`. */
  depth(index: number): number {
    return (this.#inboxes[index] as LMSQueue).size();
  }

  #noReceiver(to: number): RangeError {
    return new RangeError(
      `to must be a receiver index from 0 to ${this.#open.length - 1}, got ${String(to)}`,
    );
  }

  #tooBig(size: number): RangeError {
    return new RangeError(
      `message is ${size} bytes encoded, more than the channel's heap can ever carry (${this.#largest} bytes; see options.heapBytes)`,
    );
  }

  /** Sends the open batch of receiver `to`, or holds it back behind those waiting already. */
  #commit(to: number): void {
    const count = this.#openCounts[to] as number;
    if (count === 0) return;
    const open = this.#open[to] as Encoder;
    const outbox = this.#outboxes[to] as Batch[];
    const bytes = open.bytes();
    if (outbox.length > 0 || !this.#trySend(to, bytes)) {
      // The encoder reuses its bytes: keep a copy.
      outbox.push({ bytes: bytes.slice(), count });
      this.#retry ??= setTimeout(this.#retryNow, RETRY_MS);
    }
    open.clear();
    this.#openCounts[to] = 0;
  }

  #trySend(to: number, bytes: Uint8Array): boolean {
    let handle: number;
    try {
      handle = this.#heap.malloc(bytes.length + 8);
    } catch (error) {
      if (OutOfMemoryError.isInstance(error)) return false;
      throw error;
    }
    this.#ints[handle >> 2] = bytes.length;
    this.#bytes.set(bytes, handle + 8);
    if ((this.#inboxes[to] as LMSQueue).tryEnqueue(handle)) return true;
    this.#heap.free(handle);
    return false;
  }
}
