/**
 * Classes the codec carries besides the built-in ones: each is turned into a value the codec already
 * knows and rebuilt from it on arrival. Every thread must define the same extensions, which happens by
 * itself when they are defined at the top level of a module that every thread imports.
 */
export interface Extension<T extends object, D> {
  /** One byte that identifies the class on the wire, 0 … 255, unique among extensions. */
  tag: number;
  /** The class; instances of subclasses are not covered. */
  type: abstract new (
    ...args: never[]
  ) => T;
  /** Turns an instance into something the codec carries. */
  encode(value: T): D;
  /** Rebuilds an instance from what `encode` returned (after a trip through the codec). */
  decode(data: D): T;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds extensions of every type
type AnyExtension = Extension<any, any>;

const byType = new Map<unknown, AnyExtension>();
const byTag: Array<AnyExtension | undefined> = [];

/** The extension for instances whose constructor is `type`, if any. */
export function extensionForType(type: unknown): AnyExtension | undefined {
  return byType.get(type);
}

/** The extension for wire tag `tag`, if any. */
export function extensionForTag(tag: number): AnyExtension | undefined {
  return byTag[tag];
}

/**
 * Teaches the codec a class: from now on its instances can be sent between schedulers and arrive as
 * instances of the same class. Defining the same extension again (the same tag and class) is allowed;
 * a tag or class taken by another extension is not.
 *
 * @example
 * ```ts
 * class Point { constructor(readonly x: number, readonly y: number) {} }
 * defineExtension({ tag: 1, type: Point, encode: (p) => [p.x, p.y], decode: ([x, y]) => new Point(x, y) });
 * ```
 * @throws RangeError when `extension.tag` is not an integer 0 … 255 or is taken by another class.
 * @throws TypeError when `extension.type` is not a class or `encode`/`decode` are not functions.
 */
export function defineExtension<T extends object, D>(extension: Extension<T, D>): void {
  const { tag, type, encode, decode } = extension;
  if (!Number.isInteger(tag) || tag < 0 || tag > 255) {
    throw new RangeError(`extension.tag must be an integer from 0 to 255, got ${String(tag)}`);
  }
  if (typeof type !== 'function') throw new TypeError('extension.type must be a class');
  if (typeof encode !== 'function' || typeof decode !== 'function') {
    throw new TypeError('extension.encode and extension.decode must be functions');
  }
  const taken = byTag[tag];
  if (taken !== undefined && taken.type !== type) {
    throw new RangeError(`extension.tag ${tag} is taken by ${taken.type.name}`);
  }
  const existing = byType.get(type);
  if (existing !== undefined && existing.tag !== tag) {
    throw new RangeError(`extension.type ${type.name} is defined already, with tag ${existing.tag}`);
  }
  byTag[tag] = extension;
  byType.set(type, extension);
}
