// The same checks as @beamish/lfqueue's src/validate.ts: the packages depend on nothing of ours,
// so each keeps its copy; a change to one belongs in both.
import { constants } from 'node:buffer';

/** The largest single allocation the engine can back with one buffer. */
export const MAX_BYTES: number = constants.MAX_LENGTH;

/** Throws unless `value` is an integer in `[min, max]`. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a power of two in `[min, max]`. */
export function checkPowerOfTwo(name: string, value: unknown, min: number, max: number): number {
  const accepted = `a power of two from ${min} to ${max}`;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be ${accepted}, got ${describe(value)}`);
  }
  if (value < min || value > max || (value & (value - 1)) !== 0) {
    throw new RangeError(`${name} must be ${accepted}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a plain options object (or undefined). */
export function checkOptions(name: string, value: unknown): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) {
    throw new TypeError(`${name} must be an options object, got ${describe(value)}`);
  }
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'object') return value === null ? 'null' : (value.constructor?.name ?? 'object');
  return String(value);
}
