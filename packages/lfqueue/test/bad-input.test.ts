import { describe, expect, it } from 'vitest';
import { Doorbell, LMSQueue, MAX_CAPACITY, MSQueue } from '../src/index.js';

describe.each([
  ['LMSQueue', LMSQueue],
  ['MSQueue', MSQueue],
] as const)('%s rejects bad input', (name, Queue) => {
  it('names a capacity out of range or of the wrong type', () => {
    for (const capacity of [0, -1, MAX_CAPACITY + 1]) {
      expect(() => Queue.create({ capacity })).toThrow(RangeError);
    }
    for (const capacity of [1.5, Number.NaN, '8', null]) {
      expect(() => Queue.create({ capacity: capacity as never })).toThrow(TypeError);
    }
    expect(() => Queue.create({ capacity: 0 })).toThrow(
      /options\.capacity must be an integer from 1 to 67108864, got 0/,
    );
    expect(() => Queue.create(5 as never)).toThrow(/options must be an options object, got 5/);
    expect(Queue.create().capacity).toBe(65_536);
  });

  it('refuses a buffer that is not one of its queues', () => {
    expect(() => Queue.attach(new ArrayBuffer(1024) as never)).toThrow(
      /buffer must be the SharedArrayBuffer/,
    );
    expect(() => Queue.attach(new SharedArrayBuffer(16))).toThrow(/too small/);
    expect(() => Queue.attach(new SharedArrayBuffer(4096))).toThrow(/wrong magic number/);
    const other = (Queue === LMSQueue ? MSQueue : LMSQueue).create({ capacity: 4 });
    expect(() => Queue.attach(other.buffer)).toThrow(TypeError);
    expect(() => Queue.attach(other.buffer)).toThrow(new RegExp(`not an ${name}`));
    const newer = Queue.create({ capacity: 4 });
    new Int32Array(newer.buffer)[1] = 4; // a later layout version
    expect(() => Queue.attach(newer.buffer)).toThrow(/layout version 4/);
    const older = Queue.create({ capacity: 4 });
    new Int32Array(older.buffer)[1] = 2; // the layout of 64-bit words, before this one
    expect(() => Queue.attach(older.buffer)).toThrow(/layout version 2; this \w+ reads version 3/);
  });

  it('refuses a negative or non-numeric timeout', () => {
    const queue = Queue.create({ capacity: 4 });
    expect(() => queue.dequeue(-1)).toThrow(RangeError);
    expect(() => queue.dequeue(Number.NaN)).toThrow(/timeoutMs must be a number of milliseconds/);
    return expect(queue.dequeueAsync('10' as never)).rejects.toThrow(TypeError);
  });
});

describe('Doorbell rejects bad input', () => {
  it('names the buffer and the offset', () => {
    expect(() => Doorbell.attach(new ArrayBuffer(8) as never)).toThrow(/buffer must be a SharedArrayBuffer/);
    expect(() => Doorbell.attach(new SharedArrayBuffer(64), 2)).toThrow(/byteOffset must be a multiple of 4/);
    expect(() => Doorbell.attach(new SharedArrayBuffer(64), 60)).toThrow(RangeError);
    expect(() => Doorbell.attach(new SharedArrayBuffer(4))).toThrow(
      /buffer must hold a doorbell's 8 bytes, got 4 bytes/,
    );
    expect(() => Doorbell.create().wait(0, -5)).toThrow(/timeoutMs/);
  });
});
