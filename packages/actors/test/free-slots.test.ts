import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreeSlots } from '../src/free-slots.js';

/** Positions to start at: zero, and just short of where int32 positions wrap. */
const startAts = fc.constantFrom(0, 2 ** 31 - 3, -3, 2 ** 31 - 70);

describe('FreeSlots, the ring of freed process-table slots', () => {
  it('gives slots back first in, first out, as an array would, wherever its positions start', () => {
    const command = fc.oneof(
      fc.constant({ take: true as const }),
      fc.nat(99).map((slot) => ({ take: false as const, slot })),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        startAts,
        fc.array(command, { maxLength: 300 }),
        (capacity, startAt, commands) => {
          const ring = FreeSlots.create(capacity, startAt);
          const model: number[] = [];
          for (const step of commands) {
            if (step.take) expect(ring.take()).toBe(model.shift());
            else if (model.length < capacity) {
              ring.give(step.slot);
              model.push(step.slot);
            }
            expect(ring.size).toBe(model.length);
          }
        },
      ),
    );
  });

  it('comes round its ring many times, past the point where its positions wrap', () => {
    const ring = FreeSlots.create(5, 2 ** 31 - 7);
    for (let slot = 0; slot < 5; slot++) ring.give(slot);
    const seen: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const slot = ring.take() as number;
      seen.push(slot);
      ring.give(slot);
    }
    expect(seen.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(seen.every((slot, i) => slot === i % 5)).toBe(true);
    expect(ring.size).toBe(5);
  });

  it('refuses more slots than its ring holds (a slot given back twice), even a ring for one', () => {
    for (const capacity of [1, 2, 3, 4, 5]) {
      const ring = FreeSlots.create(capacity);
      const held = Math.max(2, 2 ** Math.ceil(Math.log2(capacity)));
      for (let slot = 0; slot < held; slot++) ring.give(slot);
      expect(() => ring.give(99), `capacity ${capacity}`).toThrow(
        /^slot 99 cannot be given back: .*more slots were given back than taken/,
      );
      expect(ring.size).toBe(held);
      const drained = Array.from({ length: held + 1 }, () => ring.take());
      expect(drained).toEqual([...Array.from({ length: held }, (_, slot) => slot), undefined]);
    }
  });

  it('never hands one slot to two threads at once, and loses none (3 threads)', {
    timeout: 60_000,
  }, async () => {
    const capacity = 48;
    const ring = FreeSlots.create(capacity, 2 ** 31 - 1000);
    for (let slot = 0; slot < capacity; slot++) ring.give(slot);
    const ownersBuffer = new SharedArrayBuffer(4 * capacity);
    const rounds = 100_000;
    // Meanwhile this thread reads the size, which must stay within 0 and the ring's 64 cells
    // however the others move its two positions between the reads.
    let running = true;
    let smallest = capacity;
    let largest = 0;
    const watching = (async () => {
      while (running) {
        for (let i = 0; i < 10_000; i++) {
          const size = ring.size;
          if (size < smallest) smallest = size;
          if (size > largest) largest = size;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const reports = await Promise.all(
      [1, 2, 3].map(
        (id) =>
          new Promise<{ taken: number; clashes: number; empties: number }>((resolve, reject) => {
            const worker = new Worker(new URL('./workers/free-slots-worker.mjs', import.meta.url), {
              workerData: { buffer: ring.buffer, ownersBuffer, id, rounds, hold: 24 },
            });
            worker.once('message', resolve);
            worker.once('error', reject);
          }),
      ),
    );
    running = false;
    await watching;
    expect(smallest).toBeGreaterThanOrEqual(0);
    expect(largest).toBeLessThanOrEqual(64);
    expect(reports.map((report) => report.clashes)).toEqual([0, 0, 0]);
    // Every thread took slots, and at times found none left (3 × up to 24 held, of 48).
    expect(reports.every((report) => report.taken > rounds)).toBe(true);
    expect(reports.some((report) => report.empties > 0)).toBe(true);
    // All given back: each slot exactly once.
    expect(ring.size).toBe(capacity);
    const drained: number[] = [];
    for (let slot = ring.take(); slot !== undefined; slot = ring.take()) drained.push(slot);
    expect(drained.sort((a, b) => a - b)).toEqual(Array.from({ length: capacity }, (_, slot) => slot));
  });
});
