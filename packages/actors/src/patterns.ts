/**
 * Patterns for selective `receive`: a message matches a pattern when
 *
 * - the pattern is `_`: always;
 * - a function: when it returns true for the message (a type guard narrows the message's type);
 * - an array: when the message is an array of the same length whose elements match, in order;
 * - a plain object: when the message is an object whose properties match each of the pattern's
 *   (other properties may be there too);
 * - anything else (a string, a number, a pid, `null`…): when it is the same value (`Object.is`).
 *
 * TypeScript follows along: `on(['add', isNumber], ([, n]) => n + 1)` types the message as
 * `['add', number]`.
 */

/** Matches anything, like Erlang's `_`. */
export const _: unique symbol = Symbol('beamish._');
export type Wildcard = typeof _;

/** A type guard usable as a pattern. */
export type Guard<T> = (value: unknown) => value is T;

/** What a message that matched `P` is known to be. */
export type Matched<P> = P extends Wildcard
  ? unknown
  : P extends (value: unknown) => value is infer T
    ? T
    : P extends (value: never) => unknown
      ? unknown
      : P extends readonly unknown[]
        ? { -readonly [K in keyof P]: Matched<P[K]> }
        : P extends object
          ? { -readonly [K in keyof P]: Matched<P[K]> }
          : P;

/** True when `value` matches `pattern` (see the module's description). */
export function matches(pattern: unknown, value: unknown): boolean {
  if (pattern === _) return true;
  switch (typeof pattern) {
    case 'function':
      return (pattern as (value: unknown) => unknown)(value) === true;
    case 'object': {
      if (pattern === null) return value === null;
      if (Array.isArray(pattern)) {
        if (!Array.isArray(value) || value.length !== pattern.length) return false;
        for (let i = 0; i < pattern.length; i++) if (!matches(pattern[i], value[i])) return false;
        return true;
      }
      if (typeof value !== 'object' || value === null) return false;
      for (const key in pattern) {
        if (!matches((pattern as Record<string, unknown>)[key], (value as Record<string, unknown>)[key]))
          return false;
      }
      return true;
    }
    default:
      return Object.is(pattern, value);
  }
}

/** Guards for the usual types, to use inside patterns. */
export const isString = (value: unknown): value is string => typeof value === 'string';
export const isNumber = (value: unknown): value is number => typeof value === 'number';
export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
export const isBigInt = (value: unknown): value is bigint => typeof value === 'bigint';
export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
export const isArray = (value: unknown): value is unknown[] => Array.isArray(value);
