import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockPool, OutOfMemoryError } from '../src/index.js';

const KiB = 1024;
const small = () => BlockPool.create({ blockSize: 4 * KiB, segmentSize: 16 * KiB, maxBytes: 64 * KiB });

describe('BlockPool', () => {
  it('commits nothing until the first acquire, then one segment at a time', () => {
    const pool = small();
    expect(pool.stats()).toMatchObject({ blocksCarved: 0, blocksInUse: 0, bytesCommitted: 0 });
    const blocks = Array.from({ length: 5 }, () => pool.acquire());
    expect(pool.stats()).toMatchObject({ blocksCarved: 5, blocksInUse: 5, bytesCommitted: 32 * KiB });
    expect(new Set(blocks).size).toBe(5);
  });

  it('hands out blocks that stay inside the buffer and do not overlap', () => {
    const pool = small();
    const blocks = Array.from({ length: 16 }, () => pool.acquire());
    const offsets = blocks.map((b) => pool.byteOffset(b)).sort((a, b) => a - b);
    offsets.forEach((offset, i) => {
      expect(offset % pool.blockSize).toBe(0);
      expect(offset + pool.blockSize).toBeLessThanOrEqual(pool.buffer.byteLength);
      if (i > 0) expect(offset - (offsets[i - 1] as number)).toBeGreaterThanOrEqual(pool.blockSize);
    });
  });

  it('reuses released blocks before carving new ones', () => {
    const pool = small();
    const a = pool.acquire();
    pool.acquire();
    pool.release(a);
    expect(pool.acquire()).toBe(a);
    expect(pool.stats().blocksCarved).toBe(2);
  });

  it('throws OutOfMemoryError when exhausted, and works again after a release', () => {
    const pool = small();
    const blocks = Array.from({ length: 16 }, () => pool.acquire());
    expect(pool.tryAcquire()).toBe(-1);
    const error = (() => {
      try {
        pool.acquire();
      } catch (e) {
        return e;
      }
    })();
    expect(OutOfMemoryError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/all 16 blocks of 4096 bytes are in use/);
    expect(pool.stats().blocksInUse).toBe(16);
    pool.release(blocks[3] as number);
    expect(pool.acquire()).toBe(blocks[3]);
  });

  it('rejects a double release and a block it never handed out', () => {
    const pool = small();
    const block = pool.acquire();
    pool.release(block);
    expect(() => pool.release(block)).toThrow(/block .* is not held/);
    expect(() => pool.release(7)).toThrow(RangeError);
    expect(() => pool.release(-1)).toThrow(/block must be a block index/);
    expect(() => pool.release(0.5)).toThrow(/block must be a block index/);
    expect(pool.stats().blocksInUse).toBe(0);
  });

  it('releaseAll releases all or, on a bad entry, none', () => {
    const pool = small();
    const blocks = Array.from({ length: 4 }, () => pool.acquire());
    expect(() => pool.releaseAll([blocks[0] as number, blocks[1] as number, blocks[0] as number])).toThrow(
      /appears twice/,
    );
    expect(() => pool.releaseAll([blocks[2] as number, 99])).toThrow(/blocks\[1\]/);
    expect(blocks.every((b) => pool.isHeld(b))).toBe(true);
    pool.releaseAll(blocks);
    expect(blocks.some((b) => pool.isHeld(b))).toBe(false);
    expect(pool.stats().blocksInUse).toBe(0);
    expect(new Set(Array.from({ length: 4 }, () => pool.acquire()))).toEqual(new Set(blocks));
  });

  it('rejects bad options, naming them', () => {
    expect(() => BlockPool.create({ blockSize: 3000 })).toThrow(/options\.blockSize must be a power of two/);
    expect(() => BlockPool.create({ blockSize: 1024 })).toThrow(RangeError);
    expect(() => BlockPool.create({ blockSize: Number.NaN })).toThrow(TypeError);
    expect(() => BlockPool.create({ segmentSize: 1024 })).toThrow(/options\.segmentSize/);
    expect(() => BlockPool.create({ maxBytes: 5 * 1024 * 1024 })).toThrow(
      /options\.maxBytes must be a multiple/,
    );
    expect(() => BlockPool.create({ maxBytes: -1 })).toThrow(/options\.maxBytes/);
    expect(() => BlockPool.create(42 as never)).toThrow(/options must be an options object/);
  });

  it('attaches from a handle, sharing blocks, and rejects what is not a handle', () => {
    const pool = small();
    const other = BlockPool.attach(pool.handle);
    const block = other.acquire();
    expect(pool.isHeld(block)).toBe(true);
    pool.bytes(block).fill(7);
    expect(other.bytes(block)[100]).toBe(7);
    pool.release(block);
    expect(() => other.release(block)).toThrow(/not held/);
    expect(() => BlockPool.attach({} as never)).toThrow(/handle must be a BlockPool handle/);
    const fake = {
      control: new SharedArrayBuffer(1024),
      data: new SharedArrayBuffer(0, { maxByteLength: 8 }),
    };
    expect(() => BlockPool.attach(fake)).toThrow(/not a BlockPool control buffer/);
  });

  it('matches a model set under random acquire/release sequences', () => {
    const command = fc.oneof(
      fc.constant({ kind: 'acquire' as const }),
      fc.nat().map((pick) => ({ kind: 'release' as const, pick })),
      fc.nat().map((count) => ({ kind: 'releaseAll' as const, count })),
    );
    fc.assert(
      fc.property(fc.array(command, { maxLength: 200 }), (commands) => {
        const pool = small();
        const held = new Set<number>();
        for (const c of commands) {
          if (c.kind === 'acquire') {
            const block = pool.tryAcquire();
            if (held.size === pool.maxBlocks) expect(block).toBe(-1);
            else {
              expect(held.has(block)).toBe(false);
              held.add(block);
            }
          } else if (held.size > 0) {
            const all = [...held];
            const chosen =
              c.kind === 'release' ? [all[c.pick % all.length] as number] : all.slice(0, c.count % 5);
            pool.releaseAll(chosen);
            for (const b of chosen) held.delete(b);
          }
          expect(pool.stats().blocksInUse).toBe(held.size);
          for (const b of held) expect(pool.isHeld(b)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
