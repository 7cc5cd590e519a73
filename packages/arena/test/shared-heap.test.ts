import { describe, expect, it } from 'vitest';
import { OutOfMemoryError, SharedHeap, type SharedHeapStats } from '../src/index.js';

const KiB = 1024;
/** Bytes at the start of every heap buffer that hold the heap's own state (header, lock, list head). */
const BOOKKEEPING = 192;
/** Bytes of boundary tags per allocation: `stats().bytesUsed` counts them (see `SharedHeapStats`). */
const TAGS = 16;

const small = (bytes = 64 * KiB) => SharedHeap.create({ bytes });

/** Calls `fn`, expects a RangeError or TypeError whose message names `name`, and returns it. */
function argumentError(fn: () => unknown, name: string): RangeError | TypeError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an error naming ${name}`).toBeDefined();
  expect(caught instanceof RangeError || caught instanceof TypeError, String(caught)).toBe(true);
  const error = caught as RangeError | TypeError;
  expect(error.message).toMatch(new RegExp(`(^|[^\\w.])${name.replace('.', '\\.')}\\b`));
  return error;
}

/** Expects `fn` to throw an OutOfMemoryError from the heap, and returns it. */
function outOfMemory(fn: () => unknown): OutOfMemoryError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(OutOfMemoryError.isInstance(caught), String(caught)).toBe(true);
  expect(caught).toBeInstanceOf(OutOfMemoryError);
  const error = caught as OutOfMemoryError;
  expect(error.name).toBe('OutOfMemoryError');
  expect(error.resource).toBe('SharedHeap');
  return error;
}

/** Invariants that hold for any heap whose live allocations are `live` (pointer → bytes asked for). */
function expectConsistent(heap: SharedHeap, live: ReadonlyMap<number, number>): SharedHeapStats {
  const stats = heap.stats();
  expect(stats.capacity).toBe(heap.buffer.byteLength);
  expect(stats.allocations).toBe(live.size);
  expect(stats.capacity - stats.bytesUsed - stats.bytesFree).toBe(BOOKKEEPING);
  let used = 0;
  const spans: [number, number][] = [];
  for (const [pointer, bytes] of live) {
    const size = heap.sizeOf(pointer);
    expect(size).toBeGreaterThanOrEqual(bytes);
    used += size + TAGS;
    spans.push([pointer, pointer + size]);
  }
  expect(stats.bytesUsed).toBe(used);
  spans.sort((a, b) => a[0] - b[0]);
  spans.forEach(([start, end], i) => {
    expect(start).toBeGreaterThanOrEqual(BOOKKEEPING);
    expect(end).toBeLessThanOrEqual(stats.capacity);
    if (i > 0) expect(start).toBeGreaterThanOrEqual((spans[i - 1] as [number, number])[1]);
  });
  return stats;
}

/** Every permutation of `items`. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('SharedHeap', () => {
  describe('create', () => {
    it('starts with one free range covering everything but the bookkeeping', () => {
      const heap = small();
      const stats = heap.stats();
      expect(stats).toEqual({
        capacity: 64 * KiB,
        allocations: 0,
        bytesUsed: 0,
        bytesFree: 64 * KiB - BOOKKEEPING,
        freeRanges: 1,
        largestFree: 64 * KiB - BOOKKEEPING - TAGS,
      });
      expect(heap.buffer).toBeInstanceOf(SharedArrayBuffer);
      expect(heap.buffer.byteLength).toBe(64 * KiB);
    });

    it('defaults to 16 MiB and accepts the smallest size, 4 KiB', () => {
      expect(SharedHeap.create().stats().capacity).toBe(16 * KiB * KiB);
      expect(SharedHeap.create({}).stats().capacity).toBe(16 * KiB * KiB);
      const tiny = SharedHeap.create({ bytes: 4 * KiB });
      expect(tiny.stats()).toMatchObject({ capacity: 4 * KiB, freeRanges: 1, allocations: 0 });
      const pointer = tiny.malloc(tiny.stats().largestFree);
      expect(tiny.stats()).toMatchObject({ allocations: 1, freeRanges: 0, bytesFree: 0, largestFree: 0 });
      tiny.free(pointer);
      expect(tiny.stats()).toMatchObject({ allocations: 0, freeRanges: 1, bytesUsed: 0 });
    });

    it('rejects bad options, naming options.bytes', () => {
      for (const bytes of [0, -8, 8, 4088, 4095, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
        expect(argumentError(() => SharedHeap.create({ bytes }), 'options.bytes')).toBeInstanceOf(RangeError);
      }
      for (const bytes of [4100, 4097, 65540]) {
        expect(argumentError(() => SharedHeap.create({ bytes }), 'options.bytes')).toBeInstanceOf(RangeError);
      }
      for (const bytes of [Number.NaN, Number.POSITIVE_INFINITY, 4096.5, '65536', 65536n, {}, [65536]]) {
        expect(
          argumentError(() => SharedHeap.create({ bytes } as unknown as { bytes: number }), 'options.bytes'),
        ).toBeInstanceOf(TypeError);
      }
      for (const options of [null, 65536, 'big', true]) {
        argumentError(() => SharedHeap.create(options as unknown as { bytes: number }), 'options');
      }
    });
  });

  describe('malloc', () => {
    it('returns 8-byte aligned, non-zero pointers to at least the bytes asked for, inside the heap', () => {
      const heap = small();
      const live = new Map<number, number>();
      const sizes = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 23, 24, 25, 31, 33, 63, 64, 65, 100, 255, 1000,
      ];
      for (const bytes of [...sizes, ...sizes.reverse()]) {
        const pointer = heap.malloc(bytes);
        expect(pointer).not.toBe(0);
        expect(pointer % 8).toBe(0);
        expect(live.has(pointer)).toBe(false);
        expect(heap.sizeOf(pointer)).toBeGreaterThanOrEqual(bytes);
        live.set(pointer, bytes);
      }
      expectConsistent(heap, live);
    });

    it('hands out memory that can be written in full without disturbing other allocations', () => {
      const heap = small();
      const bytes = new Uint8Array(heap.buffer);
      const live = new Map<number, number>();
      for (let i = 0; i < 40; i++) {
        const pointer = heap.malloc((i * 37) % 300);
        bytes.fill(i + 1, pointer, pointer + heap.sizeOf(pointer));
        live.set(pointer, i + 1);
      }
      for (const [pointer, fill] of live) {
        expect(bytes.subarray(pointer, pointer + heap.sizeOf(pointer)).every((b) => b === fill)).toBe(true);
      }
      // Freeing every other one must not touch the rest either.
      [...live.keys()].forEach((pointer, i) => {
        if (i % 2 === 0) {
          heap.free(pointer);
          live.delete(pointer);
        }
      });
      for (const [pointer, fill] of live) {
        expect(bytes.subarray(pointer, pointer + heap.sizeOf(pointer)).every((b) => b === fill)).toBe(true);
      }
    });

    it('reuses freed space for an allocation of the same size', () => {
      const heap = small();
      const a = heap.malloc(100);
      heap.malloc(100);
      const aSize = heap.sizeOf(a);
      heap.free(a);
      const b = heap.malloc(100);
      expect(b).toBeGreaterThanOrEqual(a);
      expect(b + 100).toBeLessThanOrEqual(a + aSize);
    });

    it('reuses a freed hole in a full heap, where it is the only place that fits', () => {
      const heap = small();
      const pointers: number[] = [];
      for (;;) {
        try {
          pointers.push(heap.malloc(100));
        } catch (error) {
          if (!OutOfMemoryError.isInstance(error)) throw error;
          break;
        }
      }
      expect(pointers.length).toBeGreaterThan(100);
      const hole = pointers[Math.floor(pointers.length / 2)] as number;
      const holeSize = heap.sizeOf(hole);
      heap.free(hole);
      const again = heap.malloc(100);
      expect(again).toBeGreaterThanOrEqual(hole);
      expect(again + 100).toBeLessThanOrEqual(hole + holeSize);
      outOfMemory(() => heap.malloc(100));
    });

    it('throws OutOfMemoryError when exhausted, changes nothing, and works again after a free', () => {
      const heap = small(8 * KiB);
      const live = new Map<number, number>();
      let error: OutOfMemoryError | undefined;
      for (let i = 0; i < 1000 && error === undefined; i++) {
        try {
          live.set(heap.malloc(200), 200);
        } catch (caught) {
          error = outOfMemory(() => {
            throw caught;
          });
        }
      }
      expect(error?.requested).toBe(200);
      expect(error?.message).toMatch(/200 bytes/);
      const before = expectConsistent(heap, live);
      expect(before.largestFree).toBeLessThan(200);
      outOfMemory(() => heap.malloc(200));
      outOfMemory(() => heap.malloc(before.largestFree + 1));
      outOfMemory(() => heap.malloc(8 * KiB));
      expect(heap.stats()).toEqual(before);

      const first = live.keys().next().value as number;
      heap.free(first);
      live.delete(first);
      const pointer = heap.malloc(200);
      live.set(pointer, 200);
      new Uint8Array(heap.buffer, pointer, 200).fill(0xab);
      expectConsistent(heap, live);
      for (const p of live.keys()) heap.free(p);
      expect(heap.stats()).toEqual(small(8 * KiB).stats());
    });

    it('grants exactly largestFree bytes and no more', () => {
      const heap = small();
      heap.malloc(1000);
      const guard = heap.malloc(8);
      heap.malloc(3000);
      heap.free(guard);
      const { largestFree } = heap.stats();
      outOfMemory(() => heap.malloc(largestFree + 1));
      const pointer = heap.malloc(largestFree);
      expect(heap.sizeOf(pointer)).toBeGreaterThanOrEqual(largestFree);
      expect(pointer + largestFree).toBeLessThanOrEqual(heap.buffer.byteLength);
    });

    it('throws OutOfMemoryError for more than the heap holds, even when empty', () => {
      const heap = small();
      const before = heap.stats();
      outOfMemory(() => heap.malloc(64 * KiB));
      outOfMemory(() => heap.malloc(2 ** 31 - 8));
      expect(heap.stats()).toEqual(before);
    });

    it('rejects bad sizes, naming bytes, and changes nothing', () => {
      const heap = small();
      const live = new Map([[heap.malloc(10), 10]]);
      const before = heap.stats();
      for (const bytes of [-1, -8, 2 ** 31, 2 ** 53]) {
        expect(argumentError(() => heap.malloc(bytes), 'bytes')).toBeInstanceOf(RangeError);
      }
      for (const bytes of [0.5, 7.9, -0.1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        argumentError(() => heap.malloc(bytes), 'bytes');
      }
      for (const bytes of ['8', 8n, null, undefined, {}, [8]]) {
        expect(argumentError(() => heap.malloc(bytes as unknown as number), 'bytes')).toBeInstanceOf(
          TypeError,
        );
      }
      expect(heap.stats()).toEqual(before);
      expectConsistent(heap, live);
    });
  });

  describe('free', () => {
    it('coalesces three adjacent allocations freed in any order', () => {
      const initial = small().stats();
      for (const order of permutations([0, 1, 2])) {
        const heap = small();
        const pointers = [heap.malloc(40), heap.malloc(300), heap.malloc(8)];
        for (const i of order) heap.free(pointers[i] as number);
        expect(heap.stats(), `order ${order}`).toEqual(initial);
        // The whole heap is one range again: the biggest possible allocation fits.
        heap.free(heap.malloc(initial.largestFree));
      }
    });

    it('coalesces three adjacent allocations between two live ones into one range', () => {
      for (const order of permutations([0, 1, 2])) {
        const heap = small();
        const low = heap.malloc(16);
        const pointers = [heap.malloc(40), heap.malloc(300), heap.malloc(8)];
        const high = heap.malloc(16);
        const sizes = pointers.map((p) => heap.sizeOf(p) + TAGS);
        const rest = heap.stats().largestFree;
        // Fill what is left so the freed trio is the only free memory.
        const filler = heap.malloc(rest);
        expect(heap.stats().freeRanges).toBe(0);
        for (const i of order) heap.free(pointers[i] as number);
        const trio = sizes.reduce((a, b) => a + b, 0);
        expect(heap.stats(), `order ${order}`).toMatchObject({
          allocations: 3,
          freeRanges: 1,
          bytesFree: trio,
          largestFree: trio - TAGS,
        });
        heap.free(heap.malloc(trio - TAGS));
        for (const p of [low, high, filler]) heap.free(p);
        expect(heap.stats(), `order ${order}`).toEqual(small().stats());
      }
    });

    it('counts separate free ranges until neighbours meet', () => {
      const heap = small();
      const pointers = Array.from({ length: 7 }, () => heap.malloc(24));
      const filler = heap.malloc(heap.stats().largestFree);
      // Free every other one: four isolated ranges.
      for (const i of [0, 2, 4, 6]) heap.free(pointers[i] as number);
      expect(heap.stats().freeRanges).toBe(4);
      heap.free(pointers[1] as number);
      expect(heap.stats().freeRanges).toBe(3);
      heap.free(pointers[5] as number);
      expect(heap.stats().freeRanges).toBe(2);
      heap.free(pointers[3] as number);
      expect(heap.stats().freeRanges).toBe(1);
      heap.free(filler);
      expect(heap.stats()).toEqual(small().stats());
    });

    it('accepts a view from view() and frees its allocation', () => {
      const heap = small();
      const initial = heap.stats();
      const totals = heap.view(Float64Array, 16);
      expect(totals).toBeInstanceOf(Float64Array);
      expect(totals.buffer).toBe(heap.buffer);
      expect(totals.length).toBe(16);
      expect(totals.byteOffset % 8).toBe(0);
      expect(heap.sizeOf(totals.byteOffset)).toBeGreaterThanOrEqual(16 * 8);
      totals.fill(1.5);
      totals[15] = 42;
      expect(heap.stats().allocations).toBe(1);
      heap.free(totals);
      expect(heap.stats()).toEqual(initial);

      const counts = heap.view(Int32Array, 3);
      const empty = heap.view(Uint8Array, 0);
      const words = heap.view(BigInt64Array, 5);
      expect(heap.stats().allocations).toBe(3);
      heap.free(empty);
      heap.free(counts);
      heap.free(words);
      expect(heap.stats()).toEqual(initial);
      argumentError(() => heap.view(Float64Array, -1), 'length');
      argumentError(() => heap.view(Float64Array, 1.5), 'length');
    });

    it('rejects a view that does not start at an allocation, naming pointer', () => {
      const heap = small();
      const view = heap.view(Float64Array, 8);
      const before = heap.stats();
      argumentError(() => heap.free(view.subarray(1)), 'pointer');
      argumentError(() => heap.free(new Uint8Array(heap.buffer, view.byteOffset + 4, 4)), 'pointer');
      expect(heap.stats()).toEqual(before);
      heap.free(view);
      argumentError(() => heap.free(view), 'pointer');
      expect(heap.stats()).toEqual(small().stats());
    });

    it('rejects pointers that were never allocated, naming pointer, and changes nothing', () => {
      const heap = small();
      const a = heap.malloc(64);
      const b = heap.malloc(64);
      new Uint8Array(heap.buffer, a, 64).fill(0x5a);
      new Uint8Array(heap.buffer, b, 64).fill(0);
      const live = new Map([
        [a, 64],
        [b, 64],
      ]);
      const before = heap.stats();
      const capacity = before.capacity;
      const bogus = [
        BOOKKEEPING, // the start of the ranges: a header, not a pointer
        BOOKKEEPING + 8, // inside the free range
        BOOKKEEPING + 1024, // deep inside the free range
        a + 8, // inside an allocation
        a + 56,
        b + 8,
        b - 8,
        b - 16,
      ];
      for (const pointer of bogus) {
        expect(argumentError(() => heap.free(pointer), 'pointer')).toBeInstanceOf(RangeError);
        expect(argumentError(() => heap.sizeOf(pointer), 'pointer')).toBeInstanceOf(RangeError);
      }
      // Outside the heap, or inside the heap's own bookkeeping.
      for (const pointer of [
        0,
        8,
        64,
        128,
        184,
        capacity,
        capacity + 8,
        capacity - 8,
        -8,
        -16,
        2 ** 31,
        2 ** 40,
      ]) {
        argumentError(() => heap.free(pointer), 'pointer');
        argumentError(() => heap.sizeOf(pointer), 'pointer');
      }
      // Not aligned, or not a pointer at all.
      for (const pointer of [a + 1, a + 4, a - 1, b + 2, 1, 7, 0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
        argumentError(() => heap.free(pointer), 'pointer');
        argumentError(() => heap.sizeOf(pointer), 'pointer');
      }
      for (const pointer of [String(a), BigInt(a), null, undefined, {}, [a], { byteOffset: 'x' }]) {
        expect(argumentError(() => heap.free(pointer as unknown as number), 'pointer')).toBeInstanceOf(
          TypeError,
        );
      }
      expect(heap.stats()).toEqual(before);
      expectConsistent(heap, live);
      expect(new Uint8Array(heap.buffer, a, 64).every((byte) => byte === 0x5a)).toBe(true);
      heap.free(a);
      heap.free(b);
      expect(heap.stats()).toEqual(small().stats());
    });

    // A double free must be caught whatever the freed range merged with: nothing, the range after
    // it, the range before it, or both (the last leaves the range's old header inside a free range).
    const neighbours = [
      { name: 'no free neighbour', freeFirst: [] },
      { name: 'a free neighbour below', freeFirst: ['below'] },
      { name: 'a free neighbour above', freeFirst: ['above'] },
      { name: 'free neighbours on both sides', freeFirst: ['below', 'above'] },
    ] as const;
    for (const { name, freeFirst } of neighbours) {
      it(`rejects a double free, naming pointer, and changes nothing (${name})`, () => {
        const heap = small();
        const guardHigh = heap.malloc(32);
        const above = heap.malloc(48);
        const target = heap.malloc(64);
        const below = heap.malloc(80);
        const guardLow = heap.malloc(32);
        const sorted = [guardHigh, above, target, below, guardLow].sort((x, y) => x - y);
        // The five allocations are adjacent; which end is "above" does not matter to the test.
        expect(sorted.indexOf(target)).toBe(2);
        const live = new Map([
          [guardHigh, 32],
          [above, 48],
          [below, 80],
          [guardLow, 32],
        ]);
        for (const which of freeFirst) {
          const pointer = which === 'below' ? below : above;
          heap.free(pointer);
          live.delete(pointer);
        }
        heap.free(target);
        const before = expectConsistent(heap, live);
        expect(argumentError(() => heap.free(target), 'pointer')).toBeInstanceOf(RangeError);
        expect(argumentError(() => heap.sizeOf(target), 'pointer')).toBeInstanceOf(RangeError);
        expect(heap.stats()).toEqual(before);
        argumentError(() => heap.free(target), 'pointer');
        expect(heap.stats()).toEqual(before);
        // The heap still works: allocate over the freed space, then free everything.
        const again = heap.malloc(64);
        live.set(again, 64);
        expectConsistent(heap, live);
        for (const pointer of live.keys()) heap.free(pointer);
        expect(heap.stats()).toEqual(small().stats());
      });
    }

    it('rejects a stale pointer after its range was reused by a different split', () => {
      const heap = small();
      const a = heap.malloc(200);
      const b = heap.malloc(200);
      const c = heap.malloc(200);
      const guard = heap.malloc(8);
      heap.free(a);
      heap.free(c);
      heap.free(b); // a, b and c are one range now
      const d = heap.malloc(120);
      const e = heap.malloc(120);
      const live = new Map([
        [guard, 8],
        [d, 120],
        [e, 120],
      ]);
      // The new ranges start elsewhere than the old ones: every old pointer is stale.
      expect([a, b, c].filter((p) => live.has(p))).toEqual([]);
      const before = heap.stats();
      for (const stale of [a, b, c]) argumentError(() => heap.free(stale), 'pointer');
      expect(heap.stats()).toEqual(before);
      expectConsistent(heap, live);
    });
  });

  describe('attach', () => {
    it('sees the same allocations through the same buffer', () => {
      const heap = small();
      const other = SharedHeap.attach(heap.buffer);
      expect(other.buffer).toBe(heap.buffer);
      const a = heap.malloc(100);
      new Uint8Array(heap.buffer, a, 100).fill(7);
      expect(other.stats()).toEqual(heap.stats());
      expect(other.sizeOf(a)).toBe(heap.sizeOf(a));
      expect(new Uint8Array(other.buffer, a, 100).every((byte) => byte === 7)).toBe(true);

      const b = other.malloc(100);
      expect(b + 100 <= a || a + 100 <= b).toBe(true);
      expect(heap.stats().allocations).toBe(2);
      other.free(a);
      argumentError(() => heap.free(a), 'pointer');
      heap.free(b);
      expect(other.stats()).toEqual(small().stats());
    });

    it('works on a heap whose buffer was copied (the state lives in the buffer)', () => {
      const heap = small();
      const a = heap.malloc(100);
      const copy = SharedHeap.attach(heap.buffer.slice(0));
      expect(copy.stats()).toEqual(heap.stats());
      copy.free(a);
      expect(copy.stats().allocations).toBe(0);
      expect(heap.stats().allocations).toBe(1);
    });

    it('rejects a buffer that does not hold a heap, naming buffer', () => {
      const heap = small();
      const bad: unknown[] = [
        new SharedArrayBuffer(64 * KiB), // zeroed: no magic
        new SharedArrayBuffer(4 * KiB),
        new SharedArrayBuffer(16),
        new SharedArrayBuffer(4 * KiB + 4),
        heap.buffer.slice(0, 32 * KiB), // a heap's header, but the wrong length
        new ArrayBuffer(64 * KiB),
        new Uint8Array(heap.buffer),
        heap,
        null,
        undefined,
        'buffer',
        64 * KiB,
      ];
      for (const buffer of bad) {
        expect(() => SharedHeap.attach(buffer as SharedArrayBuffer)).toThrow(TypeError);
        expect(() => SharedHeap.attach(buffer as SharedArrayBuffer)).toThrow(/buffer/);
      }
      const scribbled = new Int32Array(new SharedArrayBuffer(64 * KiB));
      scribbled.set(new Int32Array(heap.buffer, 0, 4));
      scribbled[1] = 99; // another version
      expect(() => SharedHeap.attach(scribbled.buffer as SharedArrayBuffer)).toThrow(TypeError);
    });
  });
});
