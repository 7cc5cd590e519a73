/**
 * Errors that callers are expected to catch. Each carries a `Symbol.for` marker so that
 * `isInstance` recognises it even when two copies of this package are loaded (a bundled copy in a
 * worker and the app's own, say), where `instanceof` would fail.
 */

const limitMarker = Symbol.for('@beamish/arena.ArenaLimitError');
const outOfMemoryMarker = Symbol.for('@beamish/arena.OutOfMemoryError');

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/**
 * An allocation would take an {@link Arena} past its byte `limit`. The arena is unchanged: the
 * allocation that failed took nothing. The actors layer turns this into Erlang's `max_heap_size`.
 */
export class ArenaLimitError extends Error {
  readonly [limitMarker] = true;
  override readonly name = 'ArenaLimitError';

  constructor(
    /** The arena's limit in bytes. */
    readonly limit: number,
    /** Bytes in use before the failed allocation. */
    readonly used: number,
    /** Bytes the failed allocation asked for, alignment padding included. */
    readonly requested: number,
  ) {
    super(`arena limit of ${limit} bytes exceeded: ${used} in use, ${requested} more requested`);
  }

  /** True for an `ArenaLimitError` from any copy of this package. */
  static isInstance(value: unknown): value is ArenaLimitError {
    return hasMarker(value, limitMarker);
  }
}

/**
 * A {@link BlockPool} has handed out all the blocks its `maxBytes` allows, or a {@link SharedHeap}
 * has no free range large enough. Nothing was allocated and nothing was corrupted; memory freed
 * later can be allocated again.
 */
export class OutOfMemoryError extends Error {
  readonly [outOfMemoryMarker] = true;
  override readonly name = 'OutOfMemoryError';

  constructor(
    /** Which allocator ran out. */
    readonly resource: 'BlockPool' | 'SharedHeap',
    /** Bytes that were asked for. */
    readonly requested: number,
    detail: string,
  ) {
    super(`${resource} out of memory: ${requested} bytes requested, ${detail}`);
  }

  /** True for an `OutOfMemoryError` from any copy of this package. */
  static isInstance(value: unknown): value is OutOfMemoryError {
    return hasMarker(value, outOfMemoryMarker);
  }
}
