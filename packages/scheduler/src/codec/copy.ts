import { Decoder } from './decoder.js';
import { Encoder } from './encoder.js';
import { setOwn } from './set-own.js';

const encoder = new Encoder();
const decoder = new Decoder();

/** Thrown inside `clone` for anything but plain data: the codec takes over from the start. */
const NOT_PLAIN = Symbol('not plain data');
/** Deeper than this, leave it to the codec (which refuses cycles, naming where). */
const MAX_DEPTH = 64;

/**
 * True for a value that `copy` returns as it is: `null`, `undefined`, booleans, numbers, bigints and
 * strings. A function or a symbol is not one: it cannot be copied at all.
 *
 * @example
 * ```ts
 * needsNoCopy(42); // true
 * needsNoCopy([42]); // false: an array is copied
 * ```
 */
export const needsNoCopy = (value: unknown): boolean =>
  value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol');

/** An item of an array being copied: most are numbers or strings, copied as they are, without a call. */
const copyItem = (item: unknown, depth: number): unknown =>
  needsNoCopy(item) ? item : clone(item, depth + 1);

/**
 * A copy of plain data — primitives, arrays, plain objects — made directly, which is several times
 * faster than encoding and decoding it. Anything else throws NOT_PLAIN.
 */
function clone(value: unknown, depth: number): unknown {
  if (typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') throw NOT_PLAIN;
    return value;
  }
  if (value === null) return null;
  if (depth > MAX_DEPTH) throw NOT_PLAIN;
  if (Array.isArray(value)) {
    // Short tuples, the commonest messages, are made as literals, which V8 allocates inline; an
    // array made by length takes a call into the engine.
    switch (value.length) {
      case 1:
        return [copyItem(value[0], depth)];
      case 2:
        return [copyItem(value[0], depth), copyItem(value[1], depth)];
      case 3:
        return [copyItem(value[0], depth), copyItem(value[1], depth), copyItem(value[2], depth)];
    }
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyItem(value[i], depth);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
  const out: Record<string, unknown> = {};
  for (const key in value) {
    setOwn(out, key, clone((value as Record<string, unknown>)[key], depth + 1));
  }
  return out;
}

/**
 * A copy of `value` as the channel would deliver it to another core, so that a value behaves alike
 * wherever it goes (a class instance without an extension is refused on this core too). Plain data
 * is copied directly; anything else goes through the codec.
 *
 * @example
 * ```ts
 * const mine = copy({ list: [1, 2, 3] }); // a deep copy
 * ```
 * @param root - what to call the value in an error message.
 * @throws CodecError naming where in `value` something cannot be copied.
 */
export function copy<T>(value: T, root = 'value'): T {
  // A pair of primitives (`[from, n]`, `['ok', value]`), the commonest message, is copied here:
  // this function is small enough for the engine to inline it into a send, and the pair then costs
  // no call at all.
  if (Array.isArray(value) && value.length === 2) {
    const first: unknown = value[0];
    const second: unknown = value[1];
    if (needsNoCopy(first) && needsNoCopy(second)) return [first, second] as T;
  }
  try {
    return clone(value, 0) as T;
  } catch (error) {
    if (error !== NOT_PLAIN) throw error;
    return decoder.decode(encoder.encode(value, root)) as T;
  }
}
