import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Arena, ArenaLimitError, BlockPool, OutOfMemoryError, type TypedArray } from '../src/index.js';

const KiB = 1024;
const poolOf = (maxBytes = 1024 * KiB) =>
  BlockPool.create({ blockSize: 4 * KiB, segmentSize: 64 * KiB, maxBytes });

describe('Arena', () => {
  it('takes no block until the first allocation', () => {
    const pool = poolOf();
    const arena = new Arena(pool);
    expect(arena.stats()).toMatchObject({ bytesUsed: 0, blocksHeld: 0 });
    expect(pool.stats().blocksInUse).toBe(0);
    arena.u8(1);
    expect(arena.stats()).toMatchObject({ bytesUsed: 1, blocksHeld: 1 });
  });

  it('gives typed views aligned to their element size over the pool buffer', () => {
    const pool = poolOf();
    const arena = new Arena(pool);
    arena.u8(3);
    const xs = arena.f64(10);
    expect(xs).toBeInstanceOf(Float64Array);
    expect(xs.buffer).toBe(pool.buffer);
    expect(xs.byteOffset % 8).toBe(0);
    expect(xs.length).toBe(10);
    const ints = arena.view(Int32Array, 5);
    expect(ints.byteOffset).toBe(xs.byteOffset + 80);
    expect(arena.alloc(7, 64).byteOffset % 64).toBe(0);
    for (const [make, type] of [
      [arena.i8, Int8Array],
      [arena.u16, Uint16Array],
      [arena.i16, Int16Array],
      [arena.u32, Uint32Array],
      [arena.i32, Int32Array],
      [arena.f32, Float32Array],
      [arena.i64, BigInt64Array],
      [arena.u64, BigUint64Array],
    ] as const) {
      const view = (make as (this: Arena, length: number) => TypedArray).call(arena, 3);
      expect(view).toBeInstanceOf(type);
      expect(view.byteOffset % type.BYTES_PER_ELEMENT).toBe(0);
    }
  });

  it('puts an allocation larger than a block in a buffer of its own', () => {
    const pool = poolOf();
    const arena = new Arena(pool);
    const big = arena.f64(10_000);
    expect(big.buffer).not.toBe(pool.buffer);
    expect(big.length).toBe(10_000);
    expect(arena.stats()).toMatchObject({ largeAllocations: 1, blocksHeld: 0, bytesUsed: 80_000 });
    expect(arena.u8(4).buffer).toBe(pool.buffer); // the next allocation is back in the pool
  });

  it('rewinds to a mark, giving back the blocks taken since', () => {
    const pool = poolOf();
    const arena = new Arena(pool);
    arena.u8(100);
    const mark = arena.mark();
    const before = arena.stats();
    for (let i = 0; i < 10; i++) arena.u8(3000);
    arena.f64(1000);
    expect(arena.stats()).toMatchObject({ blocksHeld: 10, largeAllocations: 1 });
    arena.rewind(mark);
    expect(arena.stats()).toMatchObject({ ...before, highWater: 100 + 30_000 + 8000 });
    expect(pool.stats().blocksInUse).toBe(1);
    expect(arena.u8(1).byteOffset).toBe(pool.byteOffset(0) + 100);
  });

  it('rejects marks of other arenas and marks ahead of it', () => {
    const pool = poolOf();
    const arena = new Arena(pool);
    const other = new Arena(pool);
    expect(() => arena.rewind(other.mark())).toThrow(/mark must be a mark taken from this arena/);
    expect(() => arena.rewind({} as never)).toThrow(TypeError);
    const early = arena.mark();
    arena.u8(10);
    const late = arena.mark();
    arena.rewind(early);
    expect(() => arena.rewind(late)).toThrow(/mark lies ahead/);
  });

  it('reset keeps one block and frees every allocation', () => {
    const pool = poolOf();
    const arena = new Arena(pool);
    for (let i = 0; i < 5; i++) arena.u8(4000);
    arena.reset();
    expect(arena.stats()).toMatchObject({ bytesUsed: 0, blocksHeld: 1, highWater: 20_000 });
    expect(pool.stats().blocksInUse).toBe(1);
  });

  it('release gives every block back and then refuses to hand out memory', () => {
    const pool = poolOf();
    const arena = new Arena(pool);
    for (let i = 0; i < 20; i++) arena.u8(4096);
    expect(pool.stats().blocksInUse).toBe(20);
    arena.release();
    expect(pool.stats().blocksInUse).toBe(0);
    expect(arena.released).toBe(true);
    arena.release(); // a second release is a no-op
    expect(() => arena.u8(1)).toThrow(/arena was released/);
    expect(() => arena.u8(0)).toThrow(/arena was released/);
    expect(() => arena.mark()).toThrow(/arena was released/);
    expect(() => arena.reset()).toThrow(/arena was released/);
  });

  it('throws ArenaLimitError past its limit and stays usable', () => {
    const arena = new Arena(poolOf(), { limit: 1000 });
    arena.u8(990);
    const error = (() => {
      try {
        arena.f64(2);
      } catch (e) {
        return e;
      }
    })();
    expect(ArenaLimitError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ limit: 1000, used: 990, requested: 18 });
    expect(arena.stats().bytesUsed).toBe(990);
    arena.u8(10);
    expect(() => arena.u8(1)).toThrow(ArenaLimitError);
    expect(() => new Arena(poolOf(), { limit: 10 }).f64(2000)).toThrow(ArenaLimitError);
  });

  it('tells its owner through onLimit before it throws, even when the caller catches the error', () => {
    const seen: unknown[] = [];
    const arena = new Arena(poolOf(), { limit: 64, onLimit: (error) => seen.push(error) });
    arena.u8(64);
    try {
      arena.u8(1);
    } catch {
      // swallowed by the allocating code
    }
    expect(seen).toHaveLength(1);
    expect(ArenaLimitError.isInstance(seen[0])).toBe(true);
    expect(() => new Arena(poolOf(), { onLimit: 'no' as never })).toThrow(
      /options\.onLimit must be a function/,
    );
  });

  it('surfaces pool exhaustion as OutOfMemoryError without corrupting itself', () => {
    const arena = new Arena(poolOf(64 * KiB));
    for (let i = 0; i < 16; i++) arena.u8(4096);
    expect(() => arena.u8(1)).toThrow(OutOfMemoryError);
    expect(arena.stats()).toMatchObject({ blocksHeld: 16, bytesUsed: 16 * 4096 });
    arena.release();
  });

  it('rejects bad sizes and alignments, naming them', () => {
    const arena = new Arena(poolOf());
    expect(() => arena.alloc(-1)).toThrow(/bytes must be an integer/);
    expect(() => arena.alloc(1.5)).toThrow(TypeError);
    expect(() => arena.alloc(Number.NaN)).toThrow(/bytes/);
    expect(() => arena.alloc(2 ** 60)).toThrow(RangeError);
    expect(() => arena.alloc(8, 3)).toThrow(/align must be a power of two/);
    expect(() => arena.alloc(8, 8192)).toThrow(/align must be a power of two from 1 to 4096/);
    expect(() => arena.f64(-2)).toThrow(/length must be an integer/);
    expect(() => arena.f64('8' as never)).toThrow(/length/);
    expect(() => arena.f64(2 ** 40)).toThrow(RangeError);
    expect(() => new Arena({} as never)).toThrow(/pool must be a BlockPool/);
    expect(() => new Arena(poolOf(), { limit: -5 })).toThrow(/options\.limit/);
    expect(arena.stats().bytesUsed).toBe(0);
  });
});

describe('Arena properties', () => {
  type Step =
    | { kind: 'alloc'; bytes: number; alignLog: number }
    | { kind: 'mark' }
    | { kind: 'rewind'; pick: number }
    | { kind: 'reset' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant('alloc' as const),
        bytes: fc.integer({ min: 0, max: 6000 }),
        alignLog: fc.integer({ min: 0, max: 7 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'mark' as const }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rewind' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  );

  it('never overlaps, stays in its blocks, keeps alignment and exact stats; rewind and release free exactly', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const pool = poolOf();
        const arena = new Arena(pool);
        type Live = { view: Uint8Array; bytes: number; padded: number; stamp: number };
        let live: Live[] = [];
        const marks: { mark: ReturnType<Arena['mark']>; liveCount: number }[] = [];
        let stamp = 0;
        for (const s of steps) {
          if (s.kind === 'alloc') {
            const align = 2 ** s.alignLog;
            const before = arena.stats().bytesUsed;
            const view = arena.alloc(s.bytes, align);
            expect(view.byteOffset % align).toBe(0);
            expect(view.length).toBe(s.bytes);
            if (view.buffer === pool.buffer && s.bytes > 0) {
              // Inside one block the arena holds.
              const block = Math.floor(view.byteOffset / pool.blockSize);
              expect(pool.isHeld(block)).toBe(true);
              expect(view.byteOffset + s.bytes).toBeLessThanOrEqual((block + 1) * pool.blockSize);
            }
            stamp = (stamp + 1) % 251;
            view.fill(stamp);
            live.push({ view, bytes: s.bytes, padded: arena.stats().bytesUsed - before, stamp });
          } else if (s.kind === 'mark') {
            marks.push({ mark: arena.mark(), liveCount: live.length });
          } else if (s.kind === 'rewind' && marks.length > 0) {
            const index = s.pick % marks.length;
            const { mark, liveCount } = marks[index] as (typeof marks)[number];
            arena.rewind(mark);
            live = live.slice(0, liveCount);
            marks.length = index + 1; // later marks are no longer valid
            expect(arena.stats().bytesUsed).toBe(mark.bytesUsed);
          } else if (s.kind === 'reset') {
            arena.reset();
            live = [];
            marks.length = 0;
          }
          // Every live allocation is intact: nothing later overwrote it.
          for (const a of live) expect(a.view.every((b) => b === a.stamp)).toBe(true);
          const stats = arena.stats();
          expect(stats.bytesUsed).toBe(live.reduce((sum, a) => sum + a.padded, 0));
          expect(stats.blocksHeld).toBe(pool.stats().blocksInUse);
          expect(stats.bytesHeld).toBeGreaterThanOrEqual(stats.bytesUsed);
          expect(stats.highWater).toBeGreaterThanOrEqual(stats.bytesUsed);
        }
        arena.release();
        expect(pool.stats().blocksInUse).toBe(0);
      }),
      { numRuns: 150 },
    );
  }, 30_000); // CPU-bound: several times slower on a loaded machine
});
