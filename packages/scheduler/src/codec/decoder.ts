import { extensionForTag } from './extensions.js';
import { setOwn } from './set-own.js';
import { type Build, COMPILE_AFTER, compile, keyByKey, MAX_SHAPE_KEYS, ShapeTrie } from './shapes.js';
import { ERROR_CLASSES, Tag, TYPED_ARRAYS } from './tags.js';

/** ASCII strings up to this length are built by a JavaScript loop, and remembered. */
const SHORT_STRING = 16;
/** ASCII strings up to this length are found again by their bytes read as two 32-bit words. */
const WORD_STRING = 8;
/** How many short strings are remembered, as a power of two: keys and tags recur in every message. */
const CACHE_BITS = 10;
const CACHE_SIZE = 1 << CACHE_BITS;
/** Arrays up to this length are made as literals (see `#array`). */
const LITERAL_ARRAY = 4;

/** The shapes this thread has decoded, with their compiled literals: every decoder shares them. */
const shapes = new ShapeTrie();

/**
 * Decodes what an `Encoder` wrote, straight from the memory it lies in (shared memory included):
 * nothing is copied but the decoded values themselves.
 */
export class Decoder {
  #buffer: Buffer = Buffer.alloc(0);
  #view = new DataView(this.#buffer.buffer);
  /** The memory `#buffer` views (kept: reading a view's `buffer` is not free). */
  #memory: ArrayBufferLike = this.#buffer.buffer;
  #at = 0;
  /**
   * Short ASCII strings seen before, by a hash of their bytes. Handing back the same string saves
   * building it, and V8 finds a property key it has seen faster than a new string.
   */
  readonly #strings: Array<string | undefined> = new Array(CACHE_SIZE).fill(undefined);
  /**
   * The strings of up to `WORD_STRING` bytes seen before, and their bytes as two words at
   * `2 * slot`: one comparison of two words finds one, where the longer ones are hashed and
   * compared byte by byte.
   */
  readonly #wordStrings: Array<string | undefined> = new Array(CACHE_SIZE).fill(undefined);
  readonly #words = new Int32Array(CACHE_SIZE * 2);
  readonly #shared: readonly SharedArrayBuffer[];
  /**
   * The builders of the shapes the stream being decoded has defined, by number from `#shapeBase`. A
   * stream decoded inside another (by `each`) stacks its shapes above the outer one's.
   */
  readonly #shapes: Build[] = [];
  #shapeBase = 0;
  #shapeEnd = 0;
  /** What a builder calls for each value: one closure for every record. */
  readonly #next = (): unknown => this.#value();

  /**
   * @param shared - the `SharedArrayBuffer`s that the encoders share views on, in the same order
   *   (see `Encoder.append`).
   */
  constructor(shared: readonly SharedArrayBuffer[] = []) {
    this.#shared = shared;
  }

  /**
   * Decodes the value in `bytes[start, end)`.
   *
   * @throws RangeError when the bytes are not one encoded value.
   */
  decode(bytes: Uint8Array, start = 0, end = bytes.length): unknown {
    this.#read(bytes);
    const outer = this.#openStream();
    try {
      this.#at = bytes.byteOffset + start;
      const value = this.#value();
      if (this.#at !== bytes.byteOffset + end) {
        throw new RangeError(
          `bytes hold ${this.#at - bytes.byteOffset - start} bytes of value, not ${end - start}`,
        );
      }
      return value;
    } finally {
      this.#closeStream(outer);
    }
  }

  /**
   * Decodes the values appended one after the other in `bytes[start, end)`, handing each to `each`
   * in order (which may use this decoder too).
   *
   * @returns how many values there were.
   * @throws RangeError when the bytes are not a sequence of encoded values.
   */
  decodeEach(
    bytes: Uint8Array,
    start: number,
    end: number,
    each: (value: unknown, service: number, address: number) => void,
  ): number {
    const last = bytes.byteOffset + end;
    let at = bytes.byteOffset + start;
    let count = 0;
    const memory = bytes.buffer;
    const outer = this.#openStream();
    try {
      while (at < last) {
        // `each` may decode other bytes with this decoder: view these again if it did.
        if (this.#memory !== memory) this.#read(bytes);
        this.#at = at;
        // A value `appendAddressed` wrote comes with its service and address; any other with -1 and 0.
        let service = -1;
        let address = 0;
        if (this.#buffer[at] === Tag.Addressed) {
          this.#at++;
          service = this.#u32();
          address = this.#address();
        }
        const value = this.#value();
        at = this.#at;
        if (at > last) throw new RangeError(`bytes end inside a value, at ${end}`);
        count++;
        each(value, service, address);
      }
      return count;
    } finally {
      this.#closeStream(outer);
    }
  }

  /**
   * Starts a stream whose shapes stack above those of the stream being decoded, if any; returns
   * where that one starts, for `#closeStream`.
   */
  #openStream(): number {
    const outer = this.#shapeBase;
    this.#shapeBase = this.#shapeEnd;
    shapes.resetIfFull();
    return outer;
  }

  /** Drops the shapes of the stream that ends, and goes back to the one around it. */
  #closeStream(outer: number): void {
    this.#shapeEnd = this.#shapeBase;
    this.#shapeBase = outer;
  }

  /** Views the whole of `bytes`' memory, once per memory (a channel decodes from one heap). */
  #read(bytes: Uint8Array): void {
    const memory = bytes.buffer;
    if (this.#memory === memory) return;
    this.#memory = memory;
    this.#buffer = Buffer.from(memory);
    this.#view = new DataView(memory);
  }

  #value(): unknown {
    const tag = this.#buffer[this.#at++] as Tag;
    switch (tag) {
      case Tag.Undefined:
        return undefined;
      case Tag.Null:
        return null;
      case Tag.False:
        return false;
      case Tag.True:
        return true;
      case Tag.Int: {
        const value = this.#view.getInt32(this.#at, true);
        this.#at += 4;
        return value;
      }
      case Tag.Float:
        return this.#f64();
      case Tag.Ascii:
      case Tag.Utf8:
        return this.#string(tag);
      case Tag.BigInt: {
        const text = this.#value() as string;
        return text.startsWith('-') ? -BigInt(`0x${text.slice(1)}`) : BigInt(`0x${text}`);
      }
      case Tag.Array:
        return this.#array(this.#u32());
      case Tag.Object: {
        const count = this.#u32();
        const object: Record<string, unknown> = {};
        for (let i = 0; i < count; i++) {
          const key = this.#value() as string;
          setOwn(object, key, this.#value());
        }
        return object;
      }
      case Tag.Shape:
        return this.#shape();
      case Tag.Record: {
        const id = this.#u32();
        if (id >= this.#shapeEnd - this.#shapeBase) {
          throw new RangeError(`bytes hold a record of shape ${id}, not defined before it`);
        }
        return (this.#shapes[this.#shapeBase + id] as Build)(this.#next);
      }
      case Tag.Map: {
        const count = this.#u32();
        const map = new Map();
        for (let i = 0; i < count; i++) map.set(this.#value(), this.#value());
        return map;
      }
      case Tag.Set: {
        const count = this.#u32();
        const set = new Set();
        for (let i = 0; i < count; i++) set.add(this.#value());
        return set;
      }
      case Tag.Date:
        return new Date(this.#f64());
      case Tag.TypedArray: {
        const type = TYPED_ARRAYS[this.#buffer[this.#at++] as number];
        if (type === undefined) throw new RangeError(`bytes hold an unknown typed array kind`);
        const copy = this.#bytes().buffer;
        return new (type as new (buffer: ArrayBufferLike) => ArrayBufferView)(copy);
      }
      case Tag.ArrayBuffer:
        return this.#bytes().buffer;
      case Tag.SharedView: {
        const type = TYPED_ARRAYS[this.#buffer[this.#at++] as number];
        const buffer = this.#sharedBuffer();
        const offset = this.#f64();
        const length = this.#u32();
        if (type === undefined) throw new RangeError(`bytes hold an unknown typed array kind`);
        const size = 'BYTES_PER_ELEMENT' in type ? type.BYTES_PER_ELEMENT : 1;
        return new (type as new (buffer: ArrayBufferLike, offset: number, length: number) => ArrayBufferView)(
          buffer,
          offset,
          length / size,
        );
      }
      case Tag.SharedBuffer:
        return this.#sharedBuffer();
      case Tag.Error:
        return this.#error();
      case Tag.Extension: {
        const extension = extensionForTag(this.#buffer[this.#at++] as number);
        if (extension === undefined) {
          throw new RangeError(
            `bytes hold extension ${this.#buffer[this.#at - 1]}, not defined in this thread`,
          );
        }
        return extension.decode(this.#value());
      }
      case Tag.Addressed:
        throw new RangeError(`bytes hold an addressed value where a plain one belongs, at ${this.#at - 1}`);
      default:
        throw new RangeError(`bytes hold an unknown tag ${tag} at ${this.#at - 1}`);
    }
  }

  /**
   * The next `length` values as an array. A short one is made as a literal: packed and of its size
   * at once, where `new Array(length)` calls the engine's constructor and leaves holes to fill
   * (measured: a tenth fewer instructions for a small message).
   */
  #array(length: number): unknown[] {
    switch (length) {
      case 0:
        return [];
      case 1:
        return [this.#value()];
      case 2:
        return [this.#value(), this.#value()];
      case 3:
        return [this.#value(), this.#value(), this.#value()];
      case LITERAL_ARRAY:
        return [this.#value(), this.#value(), this.#value(), this.#value()];
    }
    const array = new Array(length);
    for (let i = 0; i < length; i++) array[i] = this.#value();
    return array;
  }

  /** Defines the stream's next shape from the keys that follow, and builds the first object of it. */
  #shape(): Record<string, unknown> {
    const count = this.#u32();
    if (count > MAX_SHAPE_KEYS) throw new RangeError(`bytes hold a shape of ${count} keys`);
    // Found key by key in the thread's trie; a shape it cannot hold (a "__proto__" key, a full trie)
    // is built key by key, for this stream alone.
    let shape = shapes.root;
    let keys: string[] | undefined;
    for (let i = 0; i < count; i++) {
      const key = this.#value();
      if (typeof key !== 'string') throw new RangeError('bytes hold a shape with a key that is not a string');
      if (keys !== undefined) keys.push(key);
      else {
        const next = shapes.child(shape, key);
        if (next === undefined) keys = [...shape.keys, key];
        else shape = next;
      }
    }
    let build: Build;
    if (keys !== undefined) build = keyByKey(keys);
    else {
      if (++shape.defined === COMPILE_AFTER) shape.build = compile(shape.keys);
      else shape.build ??= keyByKey(shape.keys);
      build = shape.build;
    }
    this.#shapes[this.#shapeEnd++] = build;
    return build(this.#next);
  }

  #string(tag: Tag): string {
    const length = this.#u32();
    const start = this.#at;
    this.#at += length;
    if (tag === Tag.Utf8) return this.#buffer.toString('utf8', start, start + length);
    if (length > SHORT_STRING) return this.#buffer.toString('latin1', start, start + length);
    const buffer = this.#buffer;
    // Eight bytes can be read here unless the string ends the memory (then the loop below does).
    if (length <= WORD_STRING && start + WORD_STRING <= buffer.length) return this.#wordString(start, length);
    const end = start + length;
    let hash = length;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + (buffer[i] as number)) | 0;
    const slot = hash & (CACHE_SIZE - 1);
    const cached = this.#strings[slot];
    if (cached !== undefined && cached.length === length) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === buffer[start + i]) i++;
      if (i === length) return cached;
    }
    const text = this.#latin1(start, end);
    this.#strings[slot] = text;
    return text;
  }

  /**
   * A string of up to `WORD_STRING` ASCII bytes, found again by its bytes read as two words (the
   * bytes past its end masked off): equal words and an equal length are equal bytes.
   */
  #wordString(start: number, length: number): string {
    const view = this.#view;
    let low = view.getInt32(start, true);
    let high = view.getInt32(start + 4, true);
    if (length < 4) {
      low &= (1 << (length * 8)) - 1;
      high = 0;
    } else if (length < 8) high &= (1 << ((length - 4) * 8)) - 1;
    const slot = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b) >>> (32 - CACHE_BITS);
    const words = this.#words;
    const cached = this.#wordStrings[slot];
    if (
      cached !== undefined &&
      cached.length === length &&
      words[2 * slot] === low &&
      words[2 * slot + 1] === high
    )
      return cached;
    const text = this.#latin1(start, start + length);
    this.#wordStrings[slot] = text;
    words[2 * slot] = low;
    words[2 * slot + 1] = high;
    return text;
  }

  /** The bytes `[start, end)` as a string, one character a byte (short strings: no call into Node). */
  #latin1(start: number, end: number): string {
    const buffer = this.#buffer;
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(buffer[i] as number);
    return text;
  }

  #error(): Error {
    const name = this.#value() as string;
    const message = this.#value() as string;
    const stack = this.#value() as string | undefined;
    const cause = this.#value();
    const properties = this.#value() as Record<string, unknown>;
    const Class = ERROR_CLASSES[name] ?? Error;
    const error = cause === undefined ? new Class(message) : new Class(message, { cause });
    if (!(name in ERROR_CLASSES)) error.name = name;
    if (stack === undefined) delete error.stack;
    else error.stack = stack;
    Object.assign(error, properties);
    return error;
  }

  /** A copy of the next length-prefixed bytes, in memory of its own. */
  #bytes(): Uint8Array {
    const length = this.#u32();
    const copy = new Uint8Array(length);
    copy.set(this.#buffer.subarray(this.#at, this.#at + length));
    this.#at += length;
    return copy;
  }

  #sharedBuffer(): SharedArrayBuffer {
    const buffer = this.#shared[this.#buffer[this.#at++] as number];
    if (buffer === undefined) throw new RangeError('bytes hold a shared buffer this decoder does not have');
    return buffer;
  }

  /** The address of an addressed value: a number, written as a value. */
  #address(): number {
    const address = this.#value();
    if (typeof address !== 'number') {
      throw new RangeError(`bytes hold an addressed value whose address is not a number, at ${this.#at}`);
    }
    return address;
  }

  #u32(): number {
    const value = this.#view.getUint32(this.#at, true);
    this.#at += 4;
    return value;
  }

  #f64(): number {
    const value = this.#view.getFloat64(this.#at, true);
    this.#at += 8;
    return value;
  }
}
