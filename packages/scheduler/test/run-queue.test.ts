import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NewbornLane } from '../src/newborn-lane.js';
import { RunQueue } from '../src/run-queue.js';

describe('RunQueue', () => {
  it('adds and takes at both ends as an array does, across its growth', () => {
    const step = fc.oneof(
      fc.nat().map((value) => ({ op: 'push' as const, value })),
      fc.nat().map((value) => ({ op: 'unshift' as const, value })),
      fc.constant({ op: 'shift' as const, value: 0 }),
      fc.constant({ op: 'pop' as const, value: 0 }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 400 }), (steps) => {
        const queue = new RunQueue<number>();
        const model: number[] = [];
        for (const { op, value } of steps) {
          if (op === 'push' || op === 'unshift') {
            queue[op](value);
            model[op](value);
          } else if (model.length > 0) expect(queue[op]()).toBe(model[op]());
          expect(queue.length).toBe(model.length);
          if (model.length > 0) expect(queue.last).toBe(model[model.length - 1]);
        }
      }),
    );
  });
});

describe('NewbornLane', () => {
  it('puts each batch ahead of the last in its own order, and expires the oldest past their patience', () => {
    const batches = fc.array(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), { maxLength: 30 });
    fc.assert(
      fc.property(
        batches,
        fc.integer({ min: 2 ** 30 - 40, max: 2 ** 31 }),
        fc.nat(30),
        (list, start, patience) => {
          const lane = new NewbornLane<number>();
          const queue = new RunQueue<number>();
          // The model: [task, joined] pairs, front first.
          let model: Array<[number, number]> = [];
          let now = start;
          for (const batch of list) {
            now += 1 + ((batch[0] as number) % 3);
            const born = new RunQueue<number>();
            for (const task of batch) born.push(task);
            lane.adopt(born, now);
            expect(born.length).toBe(0);
            model = [...batch.map((task): [number, number] => [task, now]), ...model];
            lane.expire(now, patience, queue);
            const expired: number[] = [];
            while (model.length > 0 && now - (model[model.length - 1] as [number, number])[1] > patience) {
              expired.push((model.pop() as [number, number])[0]);
            }
            expect(Array.from({ length: queue.length }, () => queue.shift())).toEqual(expired);
            expect(lane.length).toBe(model.length);
          }
          expect(Array.from({ length: lane.length }, () => lane.shift())).toEqual(
            model.map(([task]) => task),
          );
        },
      ),
    );
  });
});
