import { deserialize, serialize } from 'node:v8';
import { OutOfMemoryError, SharedHeap } from '@beamish/arena';
import { LMSQueue } from '@beamish/lfqueue';

/**
 * The cross-core channel: a scheduler's inbox is an `LMSQueue` of one-word handles, each the offset
 * of a message's bytes in a `SharedHeap` that every scheduler attaches. A sender serialises the
 * message into the heap and enqueues the offset; the receiver deserialises it and frees the bytes.
 * No `postMessage` on this path.
 *
 * A full inbox (or heap) applies backpressure: the message waits in the sender's outbox, in order,
 * and the channel retries every millisecond until it has gone. Nothing is dropped, and what one
 * sender sends to one receiver arrives in the order it was sent.
 */
/** How long a held-back message waits before the next try. */
const RETRY_MS = 1;

export class Channel {
  readonly #heap: SharedHeap;
  /** The heap's memory, viewed once: a message's length (int32) at its offset, its bytes 8 further. */
  readonly #ints: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #inboxes: LMSQueue[] = [];
  /** Messages waiting for room, per receiver, oldest first. */
  readonly #outboxes: Array<Array<Uint8Array>> = [];
  /** The pending retry of held-back messages, if any. */
  #retry: NodeJS.Timeout | undefined;
  readonly #retryNow = (): void => {
    this.#retry = undefined;
    this.flush();
  };

  constructor(heap: SharedArrayBuffer, inboxes: readonly SharedArrayBuffer[]) {
    this.#heap = SharedHeap.attach(heap);
    this.#ints = new Int32Array(heap);
    this.#bytes = new Uint8Array(heap);
    for (const buffer of inboxes) this.replaceInbox(this.#inboxes.length, buffer);
  }

  /** Points receiver `index` at a new inbox (a replacement scheduler's). */
  replaceInbox(index: number, buffer: SharedArrayBuffer): void {
    this.#inboxes[index] = LMSQueue.attach(buffer);
    this.#outboxes[index] = [];
  }

  /**
   * Sends `message` to receiver `to`: now, or, when its inbox is full, as soon as it has room.
   *
   * @throws what `v8.serialize` throws for a value it cannot copy, having sent nothing.
   */
  send(to: number, message: unknown): void {
    const bytes = serialize(message);
    const outbox = this.#outboxes[to] as Uint8Array[];
    if (outbox.length === 0 && this.#trySend(to, bytes)) return;
    outbox.push(bytes);
    this.#retry ??= setTimeout(this.#retryNow, RETRY_MS);
  }

  /** Retries the messages held back by full inboxes now; true when none is left. */
  flush(): boolean {
    let empty = true;
    for (let to = 0; to < this.#outboxes.length; to++) {
      const outbox = this.#outboxes[to] as Uint8Array[];
      let sent = 0;
      while (sent < outbox.length && this.#trySend(to, outbox[sent] as Uint8Array)) sent++;
      if (sent > 0) outbox.splice(0, sent);
      if (outbox.length > 0) empty = false;
    }
    if (!empty) this.#retry ??= setTimeout(this.#retryNow, RETRY_MS);
    return empty;
  }

  /** Drops whatever is held back and stops retrying: the receivers are gone. */
  close(): void {
    clearTimeout(this.#retry);
    this.#retry = undefined;
    for (const outbox of this.#outboxes) outbox.length = 0;
  }

  /** Messages held back, for all receivers. */
  get pending(): number {
    let count = 0;
    for (const outbox of this.#outboxes) count += outbox.length;
    return count;
  }

  /** Takes every message waiting in inbox `index`, oldest first, handing each to `deliver`. */
  drain(index: number, deliver: (message: unknown) => void): number {
    const inbox = this.#inboxes[index] as LMSQueue;
    let count = 0;
    for (let handle = inbox.tryDequeue(); handle !== undefined; handle = inbox.tryDequeue()) {
      const start = handle + 8;
      const message = deserialize(this.#bytes.subarray(start, start + (this.#ints[handle >> 2] as number)));
      this.#heap.free(handle);
      count++;
      deliver(message);
    }
    return count;
  }

  /** The doorbell of inbox `index`, which every send to it rings. */
  doorbell(index: number) {
    return (this.#inboxes[index] as LMSQueue).doorbell;
  }

  /** Messages waiting in inbox `index`. */
  depth(index: number): number {
    return (this.#inboxes[index] as LMSQueue).size();
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
