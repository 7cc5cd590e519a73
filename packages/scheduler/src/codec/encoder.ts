import { CodecError } from './errors.js';
import { extensionForType } from './extensions.js';
import { ShapeTrie, StreamShapes } from './shapes.js';
import { ERROR_CLASSES, Tag, TYPED_ARRAYS } from './tags.js';

/** Deeper than this is taken for a cycle (which the codec does not carry). */
const MAX_DEPTH = 256;
/** Strings up to this length are written by a JavaScript loop; a call into Node costs more. */
const SHORT_STRING = 32;

type TypedView = (typeof TYPED_ARRAYS)[number]['prototype'];

/**
 * Encodes values into a scratch buffer that it reuses (and grows), so encoding allocates nothing but
 * when the buffer must grow. Values can be encoded one at a time (`encode`) or appended one after the
 * other into a batch (`append`, `bytes`, `clear`) that a `Decoder` reads back with `decodeEach`.
 *
 * @example
 * ```ts
 * const encoder = new Encoder();
 * const bytes = encoder.encode({ to: 42, body: ['put', 'key', 1] }); // valid until the next call
 * new Decoder().decode(bytes); // { to: 42, body: ['put', 'key', 1] }
 * ```
 */
export class Encoder {
  #buffer = Buffer.allocUnsafeSlow(4096);
  #view = new DataView(this.#buffer.buffer);
  #at = 0;
  readonly #shared: readonly SharedArrayBuffer[];
  /** Whether the value being appended is shared: views on `#shared` then go by reference. */
  #sharing = false;
  /** The key lists of the plain objects seen. */
  readonly #shapes = new ShapeTrie();
  /** Those defined in the stream being written, by number. */
  readonly #defined = new StreamShapes();

  /**
   * @param shared - `SharedArrayBuffer`s that every thread has, in the same order as its decoders:
   *   what lies in them can be shared rather than copied (see `append`).
   */
  constructor(shared: readonly SharedArrayBuffer[] = []) {
    this.#shared = shared;
  }

  /**
   * Encodes `value` alone; the bytes are valid until the encoder is used again.
   *
   * @param root - what to call the value in an error message.
   * @throws CodecError naming where in `value` something cannot be copied.
   */
  encode(value: unknown, root = 'message'): Uint8Array {
    this.clear();
    this.append(value, root);
    return this.bytes();
  }

  /**
   * Encodes `value` after those appended before. On an error nothing of `value` is kept.
   *
   * @param share - send the typed arrays, `DataView`s and `SharedArrayBuffer`s of `value` that lie
   *   in the encoder's shared buffers by reference: they arrive as views on the same memory. Other
   *   views are copied all the same.
   * @throws CodecError naming where in `value` something cannot be copied.
   */
  append(value: unknown, root = 'message', share = false): void {
    this.#appendFrom(this.#at, value, root, share);
  }

  /**
   * Appends `value` for `address`, one of service `service`'s addressees: what `decodeEach` hands
   * back as `each(value, service, address)`, without an envelope array around it to make, write
   * and rebuild. The same errors as `append`, whose path starts at `value` (under `root`).
   *
   * @throws RangeError when `service` is not an integer from 0 to 2^32 − 1; TypeError when `address`
   *   is not a number.
   */
  appendAddressed(service: number, address: number, value: unknown, root = 'message', share = false): void {
    if (service >>> 0 !== service) {
      throw new RangeError(
        `service must be a service index, an integer from 0 to 2^32 - 1, got ${String(service)}`,
      );
    }
    if (typeof address !== 'number') throw new TypeError(`address must be a number, got ${typeof address}`);
    const start = this.#at;
    this.#header(Tag.Addressed, service);
    this.#number(address);
    this.#appendFrom(start, value, root, share);
  }

  /** Appends `value` after what was written from `start` on, or forgets all of it if `value` is refused. */
  #appendFrom(start: number, value: unknown, root: string, share: boolean): void {
    this.#sharing = share;
    try {
      this.#value(value, 0);
    } catch (error) {
      this.truncate(start);
      if (CodecError.isInstance(error)) throw error.located(root);
      throw error;
    }
  }

  /** How many bytes are encoded. */
  get length(): number {
    return this.#at;
  }

  /** The encoded bytes, valid until the encoder is used again. */
  bytes(): Uint8Array {
    // A plain Uint8Array, not a Buffer: a Buffer's slice() would not copy.
    return new Uint8Array(this.#buffer.buffer, 0, this.#at);
  }

  /**
   * Forgets what was appended. What is appended next starts a new stream: a decoder reads a stream
   * (what one `decode` or `decodeEach` call is given) from its start, where the shapes of its plain
   * objects are defined before they are referred to.
   */
  clear(): void {
    this.#at = 0;
    this.#defined.clear();
    this.#shapes.resetIfFull();
  }

  /** Forgets what was appended after the first `length` bytes. */
  truncate(length: number): void {
    if (length >= this.#at) return;
    this.#at = Math.max(0, length);
    this.#defined.forgetFrom(this.#at);
  }

  // Tests of `typeof` against a literal, not a switch on it: the compiler turns each test into a
  // check of the value's type, where a switch calls the engine's `typeof` for a string to compare.
  // The rarer values go to #scalar, which leaves this method small enough for the engine to inline
  // where it is called (measured: some 160 instructions fewer for a small addressed message).
  #value(value: unknown, depth: number): void {
    if (typeof value === 'number') this.#number(value);
    else if (typeof value === 'string') this.#string(value);
    else if (typeof value === 'object' && value !== null) this.#object(value, depth);
    else this.#scalar(value);
  }

  /** Any other value that is not an object: `null`, a boolean, `undefined`, a bigint; or refused. */
  #scalar(value: unknown): void {
    if (value === null) this.#tag(Tag.Null);
    else if (typeof value === 'boolean') this.#tag(value ? Tag.True : Tag.False);
    else if (typeof value === 'undefined') this.#tag(Tag.Undefined);
    else if (typeof value === 'bigint') {
      this.#tag(Tag.BigInt);
      this.#string(value.toString(16));
    } else if (typeof value === 'function') {
      throw new CodecError(`a function${value.name ? ` (${value.name})` : ''}`);
    } else throw new CodecError(`a ${typeof value}`);
  }

  /** An object at `depth`: its parts are at `depth + 1`. */
  #object(value: object, depth: number): void {
    if (depth >= MAX_DEPTH) throw new CodecError(`nested more than ${MAX_DEPTH} deep (a cycle?)`);
    if (Array.isArray(value)) this.#array(value, depth + 1);
    else {
      // Read before the prototype: the engine checks `value`'s map for this load, then knows the
      // prototype from the map, where `Object.getPrototypeOf` alone calls into C++ each time.
      const type: unknown = value.constructor;
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) this.#plainObject(value, depth + 1);
      else this.#instance(value, type, depth + 1);
    }
  }

  #array(array: unknown[], depth: number): void {
    this.#header(Tag.Array, array.length);
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      // Numbers and strings, most items, are written here: they cannot be refused, so they need no
      // handler to name their place, and a call to one per item costs more than its work.
      if (typeof item === 'number') this.#number(item);
      else if (typeof item === 'string') this.#string(item);
      else this.#child(item, depth, i);
    }
  }

  /** An object of a class: one the codec knows, or one an extension turns into a value it knows. */
  #instance(value: object, type: unknown, depth: number): void {
    const extension = extensionForType(type);
    if (extension !== undefined) {
      this.#tag(Tag.Extension);
      this.#byte(extension.tag);
      this.#value(extension.encode(value), depth);
      return;
    }
    if (value instanceof Map) {
      this.#map(value, depth);
      return;
    }
    if (value instanceof Set) {
      this.#tag(Tag.Set);
      this.#u32(value.size);
      let i = 0;
      for (const item of value) this.#child(item, depth, i++);
      return;
    }
    if (value instanceof Date) {
      this.#tag(Tag.Date);
      this.#f64(value.getTime());
      return;
    }
    if (ArrayBuffer.isView(value)) {
      this.#typedArray(value as TypedView);
      return;
    }
    if (value instanceof SharedArrayBuffer) {
      const index = this.#sharing ? this.#shared.indexOf(value) : -1;
      if (index < 0)
        throw new CodecError('a SharedArrayBuffer that is not shared with every thread (see sharedBuffers)');
      this.#tag(Tag.SharedBuffer);
      this.#byte(index);
      return;
    }
    if (value instanceof ArrayBuffer) {
      this.#tag(Tag.ArrayBuffer);
      this.#bytes(new Uint8Array(value));
      return;
    }
    if (value instanceof Error) {
      this.#error(value, depth);
      return;
    }
    throw new CodecError(
      `an instance of ${value.constructor?.name ?? 'a class'} (define an extension to send it)`,
    );
  }

  /**
   * A plain object: a record of a shape this stream has defined, else a shape's definition (its keys,
   * once per stream), its values in either case; or key by key when it has no shape.
   */
  #plainObject(value: object, depth: number): void {
    const shape = this.#shapes.shapeOf(value);
    if (shape === undefined) {
      this.#tag(Tag.Object);
      const countAt = this.#reserve(4);
      let count = 0;
      for (const key in value) {
        this.#string(key);
        this.#child((value as Record<string, unknown>)[key], depth, key);
        count++;
      }
      this.#view.setUint32(countAt, count, true);
      return;
    }
    const keys = shape.keys;
    const id = this.#defined.idOf(shape);
    if (id >= 0) {
      this.#header(Tag.Record, id);
    } else {
      this.#defined.define(shape, this.#at);
      this.#tag(Tag.Shape);
      this.#u32(keys.length);
      for (let i = 0; i < keys.length; i++) this.#string(keys[i] as string);
    }
    // Enumerated again, which lets the engine read each value from where the object's layout keeps
    // it. The keys must come as they came the first time: a getter could delete a key it has not
    // reached, and a Proxy can list other keys each time it is asked.
    let count = 0;
    for (const key in value) {
      if (key !== keys[count]) throw new CodecError('an object whose keys changed while it was copied');
      const item = (value as Record<string, unknown>)[key];
      // As in #array.
      if (typeof item === 'number') this.#number(item);
      else if (typeof item === 'string') this.#string(item);
      else this.#child(item, depth, key);
      count++;
    }
    if (count !== keys.length) throw new CodecError('an object whose keys changed while it was copied');
  }

  #map(map: Map<unknown, unknown>, depth: number): void {
    this.#tag(Tag.Map);
    this.#u32(map.size);
    for (const [key, item] of map) {
      this.#child(key, depth, '<key>');
      this.#child(item, depth, typeof key === 'string' || typeof key === 'number' ? key : '<value>');
    }
  }

  #typedArray(view: TypedView): void {
    const kind = TYPED_ARRAYS.indexOf(view.constructor as (typeof TYPED_ARRAYS)[number]);
    // A Buffer is a Uint8Array to whoever receives it.
    const index = kind >= 0 ? kind : view instanceof Uint8Array ? 1 : -1;
    if (index < 0) throw new CodecError(`a ${view.constructor.name}`);
    const buffer =
      this.#sharing && view.buffer instanceof SharedArrayBuffer ? this.#shared.indexOf(view.buffer) : -1;
    if (buffer >= 0) {
      this.#tag(Tag.SharedView);
      this.#byte(index);
      this.#byte(buffer);
      this.#f64(view.byteOffset);
      this.#u32(view.byteLength);
      return;
    }
    this.#tag(Tag.TypedArray);
    this.#byte(index);
    this.#bytes(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  }

  #error(error: Error, depth: number): void {
    this.#tag(Tag.Error);
    const name = Object.hasOwn(ERROR_CLASSES, error.name) ? error.name : String(error.name);
    this.#string(name);
    this.#string(String(error.message));
    this.#child(typeof error.stack === 'string' ? error.stack : undefined, depth, 'stack');
    this.#child(error.cause, depth, 'cause');
    const extra: Record<string, unknown> = {};
    for (const key of Object.keys(error)) {
      if (key !== 'message' && key !== 'stack' && key !== 'cause') extra[key] = (error as never)[key];
    }
    this.#child(extra, depth, '<properties>');
  }

  /** Encodes a part of a container, adding its key to the path of any error. */
  #child(value: unknown, depth: number, key: string | number): void {
    try {
      this.#value(value, depth);
    } catch (error) {
      if (CodecError.isInstance(error)) error.path.unshift(key);
      throw error;
    }
  }

  // #number, #string and #header write what most values are. Each tests the buffer's end itself and,
  // past it, grows the buffer and starts again, rather than going on after the call: the engine
  // then keeps what it loaded for the test (the position, the buffer) for the writes that follow.
  #number(value: number): void {
    if ((value | 0) === value && !Object.is(value, -0)) {
      const at = this.#at;
      if (at + 5 > this.#buffer.length) {
        this.#grow(5);
        this.#number(value);
        return;
      }
      this.#buffer[at] = Tag.Int;
      this.#view.setInt32(at + 1, value, true);
      this.#at = at + 5;
    } else this.#float(value);
  }

  // Apart from #number, as UTF-8 is from #string: the common case alone is small enough to inline.
  #float(value: number): void {
    this.#ensure(9);
    const at = this.#at;
    this.#buffer[at] = Tag.Float;
    this.#view.setFloat64(at + 1, value, true);
    this.#at = at + 9;
  }

  #string(value: string): void {
    const length = value.length;
    if (length <= SHORT_STRING) {
      const at = this.#at;
      const buffer = this.#buffer;
      if (at + 5 + length > buffer.length) {
        this.#grow(5 + length);
        this.#string(value);
        return;
      }
      const start = at + 5;
      let i = 0;
      for (; i < length; i++) {
        const code = value.charCodeAt(i);
        if (code >= 0x80) break;
        buffer[start + i] = code;
      }
      if (i === length) {
        buffer[at] = Tag.Ascii;
        this.#view.setUint32(at + 1, length, true);
        this.#at = start + length;
        return;
      }
    }
    this.#utf8(value);
  }

  #utf8(value: string): void {
    // Three bytes of UTF-8 at most per UTF-16 unit.
    this.#ensure(5 + 3 * value.length);
    const at = this.#at;
    this.#buffer[at] = Tag.Utf8;
    const written = this.#buffer.write(value, at + 5, 'utf8');
    this.#view.setUint32(at + 1, written, true);
    this.#at = at + 5 + written;
  }

  /** A tag and the u32 after it: a length, a count, a shape's number, a service index. */
  #header(tag: Tag, u32: number): void {
    const at = this.#at;
    if (at + 5 > this.#buffer.length) {
      this.#grow(5);
      this.#header(tag, u32);
      return;
    }
    this.#buffer[at] = tag;
    this.#view.setUint32(at + 1, u32, true);
    this.#at = at + 5;
  }

  #bytes(bytes: Uint8Array): void {
    this.#u32(bytes.length);
    this.#ensure(bytes.length);
    this.#buffer.set(bytes, this.#at);
    this.#at += bytes.length;
  }

  #tag(tag: Tag): void {
    this.#byte(tag);
  }

  #byte(value: number): void {
    this.#ensure(1);
    this.#buffer[this.#at++] = value;
  }

  // Reserve first: the buffer (and so the view) may be replaced by growing.
  #u32(value: number): void {
    const at = this.#reserve(4);
    this.#view.setUint32(at, value, true);
  }

  #f64(value: number): void {
    const at = this.#reserve(8);
    this.#view.setFloat64(at, value, true);
  }

  /** Makes room for `bytes` more and returns where they start. */
  #reserve(bytes: number): number {
    this.#ensure(bytes);
    const at = this.#at;
    this.#at += bytes;
    return at;
  }

  // Kept to one test, which the engine inlines where it is called; growing is the rare call.
  #ensure(bytes: number): void {
    if (this.#at + bytes > this.#buffer.length) this.#grow(bytes);
  }

  #grow(bytes: number): void {
    const grown = Buffer.allocUnsafeSlow(Math.max(2 * this.#buffer.length, this.#at + bytes));
    this.#buffer.copy(grown, 0, 0, this.#at);
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }
}
