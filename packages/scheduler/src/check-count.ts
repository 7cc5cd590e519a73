/**
 * An option that counts something (`name` names it in the error): `fallback` when not given, else
 * an integer of at least `min`.
 *
 * @throws RangeError naming the option for anything else.
 */
export function checkCount(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer of at least ${min}, got ${String(value)}`);
  }
  return value;
}
