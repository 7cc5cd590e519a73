import type { Pid } from './pid.js';

/** int32 words per entry: state, pid, name length in bytes, then the name's UTF-8 bytes. */
const ENTRY_INTS = 32;
const NAME_OFFSET_BYTES = 12;
/** The longest name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = ENTRY_INTS * 4 - NAME_OFFSET_BYTES;
const HEADER_INTS = 16;
const LOCK = 0;
const CAPACITY = 1;
const MAX_NAMES = 2;
const COUNT = 3;
/** Counts the names unregistered: each thread's cache of lookups is good while it stays put. */
const CHANGES = 4;
const EMPTY = 0;
const USED = 1;
const REMOVED = 2;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Registered names, shared by every thread: an open-addressing hash table in a `SharedArrayBuffer`,
 * behind a spin lock (every operation holds it for well under a microsecond). A name is found from any
 * core the moment it is registered.
 *
 * A send to a name looks it up, so each thread keeps the names it has found, with the count of
 * unregisters they were found at: while no name has been unregistered anywhere since, a lookup is an
 * atomic load and a `Map` hit, with no lock taken and no name encoded. (Without it a send by name
 * cost about 350 ns more than one by pid, on one core.) A register needs no count: the names a cache
 * holds were registered already. The count is 32 bits: a cache could be fooled only by a thread that
 * looks up no name while exactly a multiple of 2^32 names are unregistered.
 */
export class NameTable {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  readonly #ints: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #scratch = new Uint8Array(MAX_NAME_BYTES + 4);
  /** Names this thread has found, as the table was at `#cachedAt` changes. */
  readonly #cache = new Map<string, Pid>();
  #cachedAt = -1;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#ints = new Int32Array(buffer);
    this.#bytes = new Uint8Array(buffer);
    this.capacity = this.#ints[CAPACITY] as number;
  }

  /** A table for up to `capacity` names (kept at most three quarters full). */
  static create(capacity: number): NameTable {
    const slots = Math.max(8, 2 ** Math.ceil(Math.log2((capacity * 4) / 3 + 1)));
    const buffer = new SharedArrayBuffer(4 * (HEADER_INTS + ENTRY_INTS * slots));
    const ints = new Int32Array(buffer);
    ints[CAPACITY] = slots;
    ints[MAX_NAMES] = capacity;
    return new NameTable(buffer);
  }

  static attach(buffer: SharedArrayBuffer): NameTable {
    return new NameTable(buffer);
  }

  /**
   * Registers `name` for `pid`.
   *
   * @returns 'ok', 'taken' when the name is registered already, or 'full'.
   * @throws RangeError when `name` is longer than 116 bytes of UTF-8.
   */
  register(name: string, pid: Pid): 'ok' | 'taken' | 'full' {
    const length = this.#encode(name);
    return this.#locked(() => {
      const found = this.#find(length);
      if (found.at >= 0) return 'taken';
      const ints = this.#ints;
      if (found.free < 0 || (ints[COUNT] as number) >= (ints[MAX_NAMES] as number)) return 'full';
      const at = found.free;
      ints[COUNT] = (ints[COUNT] as number) + 1;
      ints[at + 1] = pid;
      ints[at + 2] = length;
      this.#bytes.set(this.#scratch.subarray(0, length), at * 4 + NAME_OFFSET_BYTES);
      // No change counted: a thread's cache holds names found registered, and this one was not.
      ints[at] = USED;
      return 'ok';
    });
  }

  /** The pid registered as `name`, if any. */
  whereis(name: string): Pid | undefined {
    const changes = Atomics.load(this.#ints, CHANGES);
    if (changes !== this.#cachedAt) {
      this.#cache.clear();
      this.#cachedAt = changes;
    }
    const cached = this.#cache.get(name);
    if (cached !== undefined) return cached;
    const length = this.#encode(name);
    return this.#locked(() => {
      const { at } = this.#find(length);
      if (at < 0) return undefined;
      const pid = this.#ints[at + 1] as Pid;
      // Kept only if no unregister has happened since the count was read: it could make this stale.
      if (this.#ints[CHANGES] === changes) this.#cache.set(name, pid);
      return pid;
    });
  }

  /** Removes `name` (only if registered to `pid`, when given); returns the pid it named, if any. */
  unregister(name: string, pid?: Pid): Pid | undefined {
    const length = this.#encode(name);
    return this.#locked(() => {
      const { at } = this.#find(length);
      if (at < 0) return undefined;
      const owner = this.#ints[at + 1] as Pid;
      if (pid !== undefined && owner !== pid) return undefined;
      this.#ints[at] = REMOVED;
      this.#ints[COUNT] = (this.#ints[COUNT] as number) - 1;
      // Every thread's cache may hold the name: they all start again at their next lookup.
      Atomics.add(this.#ints, CHANGES, 1);
      return owner;
    });
  }

  /** The name `pid` is registered under, if any (a pid has one at most). */
  nameOf(pid: Pid): string | undefined {
    return this.#locked(() => {
      const at = this.#entryOf(pid);
      return at < 0 ? undefined : this.#nameAt(at);
    });
  }

  /** Every name with its pid, e.g. to drop those of processes that died with their core. */
  entries(): Array<[string, Pid]> {
    return this.#locked(() => {
      const out: Array<[string, Pid]> = [];
      for (let slot = 0; slot < this.capacity; slot++) {
        const at = HEADER_INTS + ENTRY_INTS * slot;
        if (this.#ints[at] === USED) out.push([this.#nameAt(at), this.#ints[at + 1] as Pid]);
      }
      return out;
    });
  }

  /** The entry registering `pid`, or -1; a scan, for the rare questions asked by pid. */
  #entryOf(pid: Pid): number {
    for (let slot = 0; slot < this.capacity; slot++) {
      const at = HEADER_INTS + ENTRY_INTS * slot;
      if (this.#ints[at] === USED && this.#ints[at + 1] === pid) return at;
    }
    return -1;
  }

  #nameAt(at: number): string {
    const start = at * 4 + NAME_OFFSET_BYTES;
    // Copied out first: TextDecoder does not read shared memory.
    return decoder.decode(this.#bytes.slice(start, start + (this.#ints[at + 2] as number)));
  }

  /** Encodes `name` into the scratch buffer; returns its length in bytes. */
  #encode(name: string): number {
    const { read, written } = encoder.encodeInto(name, this.#scratch);
    if (read < name.length || written > MAX_NAME_BYTES) {
      throw new RangeError(
        `name must be at most ${MAX_NAME_BYTES} bytes of UTF-8, got ${JSON.stringify(name.slice(0, 40))}…`,
      );
    }
    return written;
  }

  /** The entry holding the scratch name (`at`, or -1), and the first entry free to take (`free`). */
  #find(length: number): { at: number; free: number } {
    const ints = this.#ints;
    const bytes = this.#bytes;
    const scratch = this.#scratch;
    let hash = 2166136261;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ (scratch[i] as number), 16777619);
    const mask = this.capacity - 1;
    let free = -1;
    for (let probe = 0; probe < this.capacity; probe++) {
      const at = HEADER_INTS + ENTRY_INTS * ((hash + probe) & mask);
      const state = ints[at];
      if (state === EMPTY) return { at: -1, free: free >= 0 ? free : at };
      if (state === REMOVED) {
        if (free < 0) free = at;
        continue;
      }
      if (ints[at + 2] !== length) continue;
      const start = at * 4 + NAME_OFFSET_BYTES;
      let i = 0;
      while (i < length && bytes[start + i] === scratch[i]) i++;
      if (i === length) return { at, free };
    }
    return { at: -1, free };
  }

  #locked<T>(body: () => T): T {
    const ints = this.#ints;
    while (Atomics.compareExchange(ints, LOCK, 0, 1) !== 0) {
      // Held by another thread for a few hundred nanoseconds at most: spin.
    }
    try {
      return body();
    } finally {
      Atomics.store(ints, LOCK, 0);
    }
  }
}
