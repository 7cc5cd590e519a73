/**
 * The codec's wire format: every value starts with one of these tag bytes. Numbers are little-endian;
 * lengths and counts are unsigned 32-bit.
 */
export enum Tag {
  Undefined = 0,
  Null = 1,
  False = 2,
  True = 3,
  /** int32 */
  Int = 4,
  /** float64: any other number, -0 and NaN included */
  Float = 5,
  /** u32 length, then one byte per character, every one below 0x80 */
  Ascii = 6,
  /** u32 byte length, then UTF-8 */
  Utf8 = 7,
  /** a string of the value in base 16, with its sign */
  BigInt = 8,
  /** u32 length, then the elements */
  Array = 9,
  /** u32 count, then key (a string) and value pairs */
  Object = 10,
  /** u32 count, then key and value pairs */
  Map = 11,
  /** u32 count, then the values */
  Set = 12,
  /** float64 milliseconds since the epoch */
  Date = 13,
  /** u8 kind (an index into TYPED_ARRAYS), u32 byte length, the bytes */
  TypedArray = 14,
  /** u32 byte length, the bytes */
  ArrayBuffer = 15,
  /** name, message, stack, cause, then the own enumerable properties as an object */
  Error = 16,
  /** u8 extension tag, then the value the extension turned the instance into */
  Extension = 17,
  /**
   * A view on a `SharedArrayBuffer` every thread has, sent with `share`: u8 kind, u8 buffer index,
   * f64 byte offset, u32 byte length; it arrives as a view on the same memory
   */
  SharedView = 18,
  /** A `SharedArrayBuffer` every thread has, sent with `share`: u8 buffer index */
  SharedBuffer = 19,
  /**
   * A plain object whose keys are given once per stream: u32 count, the keys (strings), then the
   * values in the keys' order. It defines the stream's next shape, numbered from 0 (see `Record`).
   */
  Shape = 20,
  /** A plain object of a shape defined earlier in the stream: u32 shape number, then the values */
  Record = 21,
  /**
   * A value for one addressee of a scheduler service, at the top level of a stream only (never inside
   * another value, nor where `decode` reads one value): u32 service index, the address (a number,
   * encoded as a value), then the value. It spares the channel an envelope array around most
   * cross-core messages.
   */
  Addressed = 22,
}

/** The views the codec carries, by their kind byte; a `DataView` travels as its bytes too. */
export const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
] as const;

/** Errors rebuilt with their own class when they arrive; any other name becomes an `Error` with that name. */
export const ERROR_CLASSES: Record<string, ErrorConstructor> = {
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};
