import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { Doorbell, LMSQueue, MSQueue } from '../src/index.js';

const worker = new URL('./workers/doorbell-worker.mjs', import.meta.url);

/** Runs the doorbell worker and resolves with the messages it posted before it exited. */
function run(workerData: object, whileRunning?: (posted: unknown[]) => void): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const posted: unknown[] = [];
    const thread = new Worker(worker, { workerData });
    thread.on('message', (message) => {
      posted.push(message);
      whileRunning?.(posted);
    });
    thread.on('error', reject);
    thread.on('exit', () => resolve(posted));
  });
}

describe('Doorbell', () => {
  it('costs nothing but a load when nobody sleeps, and bumps the sequence when someone does', () => {
    const bell = Doorbell.create();
    const words = new Int32Array(bell.buffer);
    bell.ring();
    expect(words[0]).toBe(0);
    const ticket = bell.prepare();
    expect(bell.sleepers).toBe(1);
    bell.ring();
    expect(words[0]).toBe(1);
    // Rung between the ticket and the wait: the wait returns at once.
    expect(bell.wait(ticket, 10_000)).toBe('not-equal');
    expect(bell.sleepers).toBe(0);
  });

  it('times out when nobody rings, and cancel withdraws a sleeper', async () => {
    const bell = Doorbell.create();
    expect(bell.wait(bell.prepare(), 5)).toBe('timed-out');
    expect(await bell.waitAsync(bell.prepare(), 5)).toBe('timed-out');
    bell.prepare();
    bell.cancel();
    expect(bell.sleepers).toBe(0);
  });
});

describe.each([
  ['LMSQueue', LMSQueue],
  ['MSQueue', MSQueue],
] as const)('%s waiting', (kind, Queue) => {
  it('wakes a consumer blocked in dequeue() when a value arrives, and times out when none does', async () => {
    const queue = Queue.create({ capacity: 8 });
    const posted = await run({ kind, buffer: queue.buffer, mode: 'blocking', count: 2 }, (messages) => {
      if (messages.length === 1) queue.tryEnqueue(7);
      if (messages.length === 2) setTimeout(() => queue.tryEnqueue(8), 30);
    });
    // 'ready', then each value; then a dequeue(20) that nobody feeds returns undefined.
    expect(posted).toEqual(['ready', 7, 8, 'timeout:undefined']);
  });

  it('keeps the worker alive while dequeueAsync() waits, with nothing else pending', async () => {
    const queue = Queue.create({ capacity: 8 });
    const posted = await run({ kind, buffer: queue.buffer, mode: 'async', count: 1 }, (messages) => {
      if (messages.length === 1) setTimeout(() => queue.tryEnqueue(41), 100);
    });
    expect(posted).toEqual(['ready', 41, 'timeout:undefined']);
  });

  it('loses no wake-up over many sleeps', async () => {
    const queue = Queue.create({ capacity: 4 });
    const count = 2_000;
    const done = run({ kind, buffer: queue.buffer, mode: 'blocking-sum', count });
    for (let i = 1; i <= count; i++) {
      while (!queue.tryEnqueue(i)) await new Promise((resolve) => setImmediate(resolve));
      // Every few values, let the consumer fall asleep again.
      if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const [ready, { sum, longestMs }] = (await done) as [string, { sum: number; longestMs: number }];
    expect([ready, sum]).toEqual(['ready', (count * (count + 1)) / 2]);
    // Every value was enqueued within milliseconds of the last (or a loaded machine's stall): no
    // wait may run out its 10 s, as one whose wake-up was lost does.
    expect(longestMs).toBeLessThan(5_000);
  }, 60_000);
});
