import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LMSQueue, MAX_VALUE, MSQueue } from '../src/index.js';
import { HEAD, TAIL } from '../src/layout.js';
import { generationMask, nextGeneration, pointer } from '../src/pointer.js';
import { lastGeneration, startAt } from './support/generations.js';

const kinds = [
  ['LMSQueue', LMSQueue],
  ['MSQueue', MSQueue],
] as const;

type Command = { kind: 'enqueue'; value: number } | { kind: 'dequeue' } | { kind: 'reattach' };

const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      value: fc.integer({ min: 0, max: MAX_VALUE }),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'dequeue' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reattach' as const }) },
);

/**
 * Applies an enqueue or a dequeue to `queue` and to `model`, an array that holds up to `capacity`
 * values, and checks that the two agree.
 */
function applyToBoth(queue: LMSQueue | MSQueue, c: Command, model: number[], capacity: number): void {
  if (c.kind === 'enqueue') {
    const accepted = queue.tryEnqueue(c.value);
    expect(accepted).toBe(model.length < capacity);
    if (accepted) model.push(c.value);
  } else if (c.kind === 'dequeue') {
    expect(queue.tryDequeue()).toBe(model.shift());
  }
  expect(queue.size()).toBe(model.length);
}

describe.each(kinds)('%s against an array', (_name, Queue) => {
  it('behaves as a bounded FIFO through any sequence of operations', () => {
    fc.assert(
      fc.property(
        // Small queues, and queues large enough for a handle to keep spare nodes (16 and up).
        fc.oneof(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 16, max: 40 })),
        fc.array(command, { maxLength: 300 }),
        (capacity, commands) => {
          let queue = Queue.create({ capacity });
          const model: number[] = [];
          for (const c of commands) {
            if (c.kind === 'reattach') {
              // Another handle on the same buffer sees the same queue, once the old one gives
              // back the nodes it keeps.
              queue.releaseSpares();
              queue = Queue.attach(queue.buffer);
            }
            applyToBoth(queue, c, model, capacity);
          }
        },
      ),
      { numRuns: 300 },
    );
  }, 30_000); // CPU-bound: several times slower on a loaded machine

  it('behaves as one bounded FIFO through several handles used in turn', () => {
    // Handles keep state of their own (counters, spare nodes, here turned off); the queue is the
    // buffer's alone, whichever handle moves it.
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), command), { maxLength: 300 }),
        (capacity, steps) => {
          const first = Queue.create({ capacity, spareNodes: 0 });
          const handles = [
            first,
            Queue.attach(first.buffer, { spareNodes: 0 }),
            Queue.attach(first.buffer, { spareNodes: 0 }),
          ];
          const model: number[] = [];
          for (const [at, c] of steps) applyToBoth(handles[at] as LMSQueue | MSQueue, c, model, capacity);
        },
      ),
      { numRuns: 300 },
    );
  }, 30_000);

  it('stays a bounded FIFO as its generations wrap and its positions pass 2^31 and 2^32', () => {
    // A generation fills the high bits of a word: past the last one the word's sign flips, and the
    // next is 0. Positions (for size()) are int32s that overflow at 2^31 and wrap at 2^32. Start an
    // empty queue just before both and cross them.
    fc.assert(
      fc.property(
        fc.constantFrom(0x7fff_fff0, -16),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), command), { minLength: 40, maxLength: 200 }),
        (position, capacity, steps) => {
          // Up to 8 values: no handle keeps spare nodes, so `capacity` is exact for both.
          const first = Queue.create({ capacity });
          startAt(first.buffer, lastGeneration(first.buffer) - 1, position);
          const handles = [first, Queue.attach(first.buffer)];
          const model: number[] = [];
          for (const [at, c] of steps) applyToBoth(handles[at] as LMSQueue | MSQueue, c, model, capacity);
        },
      ),
      { numRuns: 200 },
    );
  }, 30_000);

  it('recycles nodes first in, first out: a freed node waits behind every other free node', () => {
    // What keeps a generation from coming round while a delayed CAS waits (see src/pointer.ts).
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(command, { maxLength: 300 }),
        (capacity, commands) => {
          const queue = Queue.create({ capacity, spareNodes: 0 });
          const words = new Int32Array(queue.buffer);
          const node = (at: number) => (words[at] as number) & (2 ** (32 - Math.clz32(capacity + 2)) - 1);
          // The pool hands out the node at its head and keeps the next as its dummy.
          const free = Array.from({ length: capacity + 1 }, (_, i) => i + 1);
          for (const c of commands) {
            if (c.kind === 'enqueue') {
              if (queue.tryEnqueue(c.value)) expect(node(TAIL)).toBe(free.shift());
              else expect(free).toHaveLength(1);
            } else if (c.kind === 'dequeue') {
              const dummy = node(HEAD);
              if (queue.tryDequeue() !== undefined) free.push(dummy);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('recycles every node many times over without losing one', () => {
    const queue = Queue.create({ capacity: 3 });
    for (let round = 0; round < 10_000; round++) {
      expect(queue.tryEnqueue(round)).toBe(true);
      expect(queue.tryEnqueue(round + 1)).toBe(true);
      expect(queue.tryDequeue()).toBe(round);
      expect(queue.tryDequeue()).toBe(round + 1);
    }
    for (let i = 0; i < 3; i++) expect(queue.tryEnqueue(i)).toBe(true);
    expect(queue.tryEnqueue(3)).toBe(false);
    expect(queue.size()).toBe(3);
  }, 30_000);

  it('accepts the whole value range and nothing outside it', () => {
    const queue = Queue.create({ capacity: 4 });
    expect(queue.tryEnqueue(0)).toBe(true);
    expect(queue.tryEnqueue(MAX_VALUE)).toBe(true);
    expect(() => queue.tryEnqueue(-1)).toThrow(RangeError);
    expect(() => queue.tryEnqueue(2 ** 31)).toThrow(
      /value must be an integer from 0 to 2147483647, got 2147483648/,
    );
    expect(() => queue.tryEnqueue(1.5)).toThrow(TypeError);
    expect(() => queue.tryEnqueue(Number.NaN)).toThrow(TypeError);
    expect(() => queue.tryEnqueue('3' as never)).toThrow(/value must be an integer.*got "3"/);
    expect(queue.size()).toBe(2);
    expect([queue.tryDequeue(), queue.tryDequeue(), queue.tryDequeue()]).toEqual([0, MAX_VALUE, undefined]);
  });
});

describe('pointer words', () => {
  it('use every bit above the index for the generation, which wraps to 0 only past the last', () => {
    for (const indexBits of [2, 11, 17, 27]) {
      const last = 2 ** (32 - indexBits) - 1;
      expect(generationMask(indexBits)).toBe(last);
      expect(nextGeneration(last - 1, generationMask(indexBits))).toBe(last);
      expect(nextGeneration(last, generationMask(indexBits))).toBe(0);
      // The last generation fills the word's top bit: the word is negative, and holds its index.
      expect(pointer(1, last, indexBits)).toBeLessThan(0);
      expect(pointer(1, last, indexBits) >>> indexBits).toBe(last);
      expect(pointer(1, last, indexBits) & (2 ** indexBits - 1)).toBe(1);
    }
  });
});
