// The same checks as @beamish/arena's src/validate.ts: the packages depend on nothing of ours, so
// each keeps its copy; a change to one belongs in both.
/** Throws unless `value` is an integer in `[min, max]`, naming the argument and the accepted range. */
export function checkInteger(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(`${name} must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Throws unless `value` is a timeout in milliseconds: a non-negative number or `Infinity`. */
export function checkTimeout(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(
      `${name} must be a number of milliseconds (0 or more, or Infinity), got ${describe(value)}`,
    );
  }
  if (value < 0) {
    throw new RangeError(`${name} must be a number of milliseconds (0 or more, or Infinity), got ${value}`);
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
