/**
 * Shapes: the key lists of plain objects, sent once per stream (`Tag.Shape`) and then referred to by
 * number (`Tag.Record`). A message's keys recur in every message of its kind; a record carries only
 * its values, and once a shape has come in a few streams the decoder builds its objects with an
 * object literal compiled for its keys, which stores them under fixed names instead of one by one.
 *
 * @packageDocumentation
 */

import { setOwn } from './set-own.js';

/** Objects with more keys than this are written key by key: a long literal compiles slowly. */
export const MAX_SHAPE_KEYS = 32;
/**
 * How many shapes a trie holds. Objects used as dictionaries bring a shape per set of keys; when
 * this many are known, new ones go key by key until the next stream starts the trie again.
 */
const MAX_SHAPES = 4096;

/**
 * A key slot before a key is known: a string, so that the engine compares keys as interned strings
 * (a pointer comparison) where `undefined` among them made it call its generic `===`. An object
 * with the empty key then never finds its next shape there and goes key by key.
 */
const NO_KEY = '';

/** One key list, as a path in a trie of keys (an encoder's, or the decoders' of a thread). */
export class Shape {
  /** The keys, in the order `for…in` gives them. */
  readonly keys: readonly string[];
  /**
   * The shapes one key longer: the first two made in fields of their own, found with a comparison
   * each (most key lists go on one way only, and the root of a channel's trie has the runtime's
   * signals besides the messages), any other by its key in `next`.
   */
  firstKey = NO_KEY;
  firstNext: Shape | undefined = undefined;
  secondKey = NO_KEY;
  secondNext: Shape | undefined = undefined;
  next: Map<string, Shape> | undefined = undefined;
  /** An encoder's: this shape's number in the stream being written, if it has defined it there. */
  id = -1;
  /**
   * A decoder's: how it builds objects of this shape, key by key until `COMPILE_AFTER` streams have
   * defined it, then with a compiled literal; and how many streams have defined it so far.
   */
  build: Build | undefined = undefined;
  defined = 0;

  constructor(keys: readonly string[]) {
    this.keys = keys;
  }
}

/** Shapes found from their keys one key at a time, without allocating once seen. */
export class ShapeTrie {
  #root = new Shape([]);
  #count = 0;

  /**
   * The shape of a plain object's own keys, or `undefined` to write it key by key: too many keys,
   * a `__proto__` key (which a literal would take for the prototype), or the trie is full.
   */
  shapeOf(object: object): Shape | undefined {
    let shape: Shape | undefined = this.#root;
    for (const key in object) {
      shape = this.child(shape, key);
      if (shape === undefined) return undefined;
    }
    return shape;
  }

  /** The shape with `shape`'s keys then `key`, or `undefined` for a shape that may not have one. */
  child(shape: Shape, key: string): Shape | undefined {
    // The common cases alone, small enough for the engine to inline where shapes are looked up.
    if (shape.firstKey === key) return shape.firstNext;
    return shape.secondKey === key ? shape.secondNext : this.#otherChild(shape, key);
  }

  #otherChild(shape: Shape, key: string): Shape | undefined {
    let next = shape.next?.get(key);
    if (next === undefined) {
      if (shape.keys.length === MAX_SHAPE_KEYS || key === '__proto__' || this.#count === MAX_SHAPES) {
        return undefined;
      }
      next = new Shape([...shape.keys, key]);
      this.#count++;
      if (shape.firstNext === undefined) {
        shape.firstKey = key;
        shape.firstNext = next;
      } else if (shape.secondNext === undefined) {
        shape.secondKey = key;
        shape.secondNext = next;
      } else {
        shape.next ??= new Map();
        shape.next.set(key, next);
      }
    }
    return next;
  }

  /** The shape without keys, where every search starts. */
  get root(): Shape {
    return this.#root;
  }

  /**
   * Starts the trie again if it is full, in one piece: the shapes handed out before stay valid, they
   * are only no longer found. Called between streams.
   */
  resetIfFull(): void {
    if (this.#count === MAX_SHAPES) {
      this.#root = new Shape([]);
      this.#count = 0;
    }
  }
}

/**
 * An encoder's numbering of the shapes its stream has defined, in the order it defined them, and
 * where in the stream each definition is: a truncated stream forgets those it cut off.
 */
export class StreamShapes {
  /** The first `#defined` entries are this stream's (the arrays are reused from stream to stream). */
  readonly #shapes: Shape[] = [];
  readonly #offsets: number[] = [];
  #defined = 0;

  /** The number of `shape` in this stream, or -1 if the stream has not defined it. */
  idOf(shape: Shape): number {
    const id = shape.id;
    return id >= 0 && id < this.#defined && this.#shapes[id] === shape ? id : -1;
  }

  /** Defines `shape` in this stream, at byte `offset`: it takes the next number. */
  define(shape: Shape, offset: number): void {
    const id = this.#defined++;
    shape.id = id;
    this.#shapes[id] = shape;
    this.#offsets[id] = offset;
  }

  /** Forgets the shapes defined at or after byte `offset`: the bytes that defined them are gone. */
  forgetFrom(offset: number): void {
    while (this.#defined > 0 && (this.#offsets[this.#defined - 1] as number) >= offset) this.#defined--;
  }

  /** Starts a stream: no shape is defined in it yet. */
  clear(): void {
    this.#defined = 0;
  }
}

/** Builds an object of one shape, taking its values in order from `next`. */
export type Build = (next: () => unknown) => Record<string, unknown>;

/**
 * How many streams define a shape before the decoder compiles a literal for it: compiling costs
 * tens of microseconds, and objects used as dictionaries bring shapes that never come again.
 */
export const COMPILE_AFTER = 3;

/** Builds objects of `keys`' shape with an object literal compiled for them. */
export function compile(keys: readonly string[]): Build {
  // A JSON string is a JavaScript string literal; a literal's properties are evaluated in order.
  // "__proto__" never comes from an encoder, but the bytes may come from anywhere.
  if (!keys.includes('__proto__')) {
    try {
      const fields = keys.map((key) => `${JSON.stringify(key)}: next()`).join(', ');
      return new Function('next', `return { ${fields} };`) as Build;
    } catch {
      // Code generation from strings is disallowed here: build key by key.
    }
  }
  return keyByKey(keys);
}

/** Builds objects of `keys`' shape one key at a time, as a decoder without shapes would. */
export function keyByKey(keys: readonly string[]): Build {
  return (next) => {
    const object: Record<string, unknown> = {};
    for (const key of keys) setOwn(object, key, next());
    return object;
  };
}
