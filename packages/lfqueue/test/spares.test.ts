import { describe, expect, it } from 'vitest';
import { LMSQueue, MSQueue } from '../src/index.js';

describe.each([
  ['LMSQueue', LMSQueue],
  ['MSQueue', MSQueue],
] as const)('%s spare nodes', (_name, Queue) => {
  /** Fills `queue` through `producer`, drains `count` values through `consumer`. */
  function cycle(producer: LMSQueue | MSQueue, consumer: LMSQueue | MSQueue, count: number) {
    for (let i = 0; i < count; i++) expect(producer.tryEnqueue(i)).toBe(true);
    for (let i = 0; i < count; i++) expect(consumer.tryDequeue()).toBe(i);
  }

  it('are collected by the dequeuing handle and given back four at a time, or when it finds the queue empty', () => {
    const producer = Queue.create({ capacity: 64 }); // a handle collects up to 4
    const consumer = Queue.attach(producer.buffer);
    cycle(producer, consumer, 3);
    // The consumer holds the 3 nodes it freed: the producer finds the queue full 3 values early...
    for (let i = 0; i < 61; i++) expect(producer.tryEnqueue(i)).toBe(true);
    expect(producer.tryEnqueue(61)).toBe(false);
    // ...until a fourth freed node sends all four back in one CAS.
    expect(consumer.tryDequeue()).toBe(0);
    for (let i = 0; i < 4; i++) expect(producer.tryEnqueue(i)).toBe(true);
    expect(producer.tryEnqueue(4)).toBe(false);
    // A dequeue that finds the queue empty gives back what the handle holds.
    for (let i = 1; i < 61; i++) expect(consumer.tryDequeue()).toBe(i);
    for (let i = 0; i < 4; i++) expect(consumer.tryDequeue()).toBe(i);
    cycle(producer, consumer, 2); // it holds the 2 nodes it freed since it last gave four back
    expect(consumer.tryDequeue()).toBeUndefined();
    for (let i = 0; i < 64; i++) expect(producer.tryEnqueue(i)).toBe(true);
    expect(producer.tryEnqueue(64)).toBe(false);
  });

  it("go back on releaseSpares(), and when the handle's own enqueue finds the pool empty", () => {
    const producer = Queue.create({ capacity: 64 });
    const consumer = Queue.attach(producer.buffer);
    cycle(producer, consumer, 10);
    consumer.releaseSpares();
    for (let i = 0; i < 64; i++) expect(producer.tryEnqueue(i)).toBe(true);
    expect(producer.tryEnqueue(64)).toBe(false);
    // A handle alone gives back the nodes it freed when its enqueue finds the pool empty: it sees
    // the exact capacity whatever it does.
    const alone = Queue.create({ capacity: 64 });
    cycle(alone, alone, 64);
    cycle(alone, alone, 64);
    for (let i = 0; i < 64; i++) expect(alone.tryEnqueue(i)).toBe(true);
    expect(alone.tryEnqueue(64)).toBe(false);
  });

  it('are taken by an enqueuing handle in a batch with batchEnqueues, and what it has not used goes back on releaseSpares()', () => {
    const first = Queue.create({ capacity: 64 });
    const producer = Queue.attach(first.buffer, { batchEnqueues: true }); // takes up to 4 nodes at a time
    const other = Queue.attach(first.buffer, { batchEnqueues: true });
    expect(producer.tryEnqueue(0)).toBe(true); // took 4 nodes from the pool, used 1
    // 64 nodes were free; the producer holds 3 it has not used, so the other handle finds room for 60.
    for (let i = 0; i < 60; i++) expect(other.tryEnqueue(i)).toBe(true);
    expect(other.tryEnqueue(60)).toBe(false);
    producer.releaseSpares();
    for (let i = 0; i < 3; i++) expect(other.tryEnqueue(i)).toBe(true);
    expect(other.tryEnqueue(3)).toBe(false);
    expect(other.size()).toBe(64);
    expect(producer.tryDequeue()).toBe(0);
  });

  it('are not taken in batches without batchEnqueues', () => {
    const producer = Queue.create({ capacity: 64 });
    const other = Queue.attach(producer.buffer);
    expect(producer.tryEnqueue(0)).toBe(true); // took one node
    for (let i = 0; i < 63; i++) expect(other.tryEnqueue(i)).toBe(true);
    expect(other.tryEnqueue(63)).toBe(false);
    expect(() => Queue.attach(producer.buffer, { batchEnqueues: 'yes' as never })).toThrow(
      /options\.batchEnqueues must be true or false, got "yes"/,
    );
  });

  it('can be turned off, or sized, per handle', () => {
    const producer = Queue.create({ capacity: 64 });
    const strict = Queue.attach(producer.buffer, { spareNodes: 0 });
    cycle(producer, strict, 64);
    for (let i = 0; i < 64; i++) expect(producer.tryEnqueue(i)).toBe(true);
    expect(() => Queue.attach(producer.buffer, { spareNodes: -1 })).toThrow(
      /options\.spareNodes must be an integer from 0 to 64/,
    );
    expect(() => Queue.create({ capacity: 8, spareNodes: 1.5 })).toThrow(TypeError);
    expect(() => Queue.attach(producer.buffer, 'fast' as never)).toThrow(/options must be an options object/);
  });
});
