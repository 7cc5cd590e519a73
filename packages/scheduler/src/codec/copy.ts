import { Decoder } from './decoder.js';
import { Encoder } from './encoder.js';

const encoder = new Encoder();
const decoder = new Decoder();

/**
 * A copy of `value` made the way the channel copies a message to another core, so that a value
 * behaves alike wherever it goes (a class instance without an extension is refused on this core too).
 *
 * @example
 * ```ts
 * const mine = copy({ list: [1, 2, 3] }); // a deep copy
 * ```
 * @param root - what to call the value in an error message.
 * @throws CodecError naming where in `value` something cannot be copied.
 */
export function copy<T>(value: T, root = 'value'): T {
  return decoder.decode(encoder.encode(value, root)) as T;
}
