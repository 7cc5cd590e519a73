/**
 * Gives `object` an own, enumerable property `key` holding `value`, as copying an object must. An own
 * "__proto__" key stays a key: assigning it would set the prototype instead.
 */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  } else object[key] = value;
}
