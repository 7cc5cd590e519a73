import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { SharedHeap } from '@beamish/arena';
import { LMSQueue } from '@beamish/lfqueue';
import { expect, it } from 'vitest';
import { Channel } from '../src/channel.js';

it('holds messages back while an inbox is full, and delivers them all in the order sent', () => {
  const heap = SharedHeap.create({ bytes: 64 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 4 }).buffer, LMSQueue.create({ capacity: 8 }).buffer];
  const sender = new Channel(heap.buffer, inboxes);
  const receiver = new Channel(heap.buffer, inboxes);
  const received: unknown[] = [];
  for (let i = 0; i < 500; i++) {
    sender.send(1, { seq: i, payload: 'x'.repeat(i % 50) });
    if (i % 20 === 0) receiver.drain(1, (message) => received.push(message));
    sender.flush();
  }
  expect(sender.pending).toBeGreaterThan(0); // the inbox filled up: backpressure, not loss
  while (!sender.flush() || receiver.depth(1) > 0) receiver.drain(1, (message) => received.push(message));
  expect(received.map((message) => (message as { seq: number }).seq)).toEqual(
    Array.from({ length: 500 }, (_, i) => i),
  );
  expect(heap.stats().allocations).toBe(0); // every message's bytes were freed
});

it('retries held-back messages by itself, without the sender flushing', async () => {
  const heap = SharedHeap.create({ bytes: 64 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 2 }).buffer];
  const sender = new Channel(heap.buffer, inboxes);
  const receiver = new Channel(heap.buffer, inboxes);
  for (let i = 0; i < 5; i++) {
    sender.send(0, i);
    sender.flush(); // a batch of its own: two fill the inbox, three wait
  }
  expect(sender.pending).toBe(3);
  const received: unknown[] = [];
  // Only the receiver acts from here on.
  for (let round = 0; round < 200 && received.length < 5; round++) {
    receiver.drain(0, (message) => received.push(message));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  expect(received).toEqual([0, 1, 2, 3, 4]);
  sender.close();
});

it('sends what one synchronous run sent to a receiver as one batch, at the end of the run', async () => {
  const heap = SharedHeap.create({ bytes: 64 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 4 }).buffer];
  const sender = new Channel(heap.buffer, inboxes);
  const receiver = new Channel(heap.buffer, inboxes);
  for (let i = 0; i < 100; i++) sender.send(0, { seq: i });
  expect([receiver.depth(0), sender.pending]).toEqual([0, 100]);
  await Promise.resolve();
  expect([receiver.depth(0), sender.pending]).toEqual([1, 0]);
  const received: number[] = [];
  expect(receiver.drain(0, (message) => received.push((message as { seq: number }).seq))).toBe(100);
  expect(received).toEqual(Array.from({ length: 100 }, (_, i) => i));
  expect(heap.stats().allocations).toBe(0);
});

it('keeps delivering a batch when one delivery throws, and throws the first error after', () => {
  const heap = SharedHeap.create({ bytes: 64 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 4 }).buffer];
  const channel = new Channel(heap.buffer, inboxes);
  for (const n of [1, 2, 3, 4]) channel.send(0, n);
  channel.flush();
  const received: unknown[] = [];
  expect(() =>
    channel.drain(0, (message) => {
      received.push(message);
      if (message === 2 || message === 3) throw new Error(`refused ${message}`);
    }),
  ).toThrow('refused 2');
  expect(received).toEqual([1, 2, 3, 4]);
  expect(heap.stats().allocations).toBe(0);
});

it('refuses a message it cannot copy at send, naming where, and sends the rest of the batch', () => {
  const heap = SharedHeap.create({ bytes: 64 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 4 }).buffer];
  const channel = new Channel(heap.buffer, inboxes);
  channel.send(0, 'before');
  expect(() => channel.send(0, { reply: () => 0 })).toThrow(
    'message.reply cannot be copied: it is a function',
  );
  channel.send(0, 'after');
  expect(() => channel.send(1, 'nobody')).toThrow(/to must be a receiver index from 0 to 0, got 1/);
  channel.flush();
  const received: unknown[] = [];
  channel.drain(0, (message) => received.push(message));
  expect(received).toEqual(['before', 'after']);
});

it('keeps each sender’s order across threads under load, losing nothing (2 senders, tiny inbox)', async () => {
  const count = Number(process.env.BEAMISH_CHANNEL_ITEMS ?? 50_000);
  const heap = SharedHeap.create({ bytes: 256 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 8 }).buffer];
  const receiver = new Channel(heap.buffer, inboxes);
  const script = new URL('./workers/channel-sender.mjs', import.meta.url);
  const senders = [0, 1].map(
    (sender) => new Worker(script, { workerData: { heap: heap.buffer, inboxes, sender, count } }),
  );
  const sent = senders.map((worker) => once(worker, 'message'));
  const next = [0, 0];
  let outOfOrder = 0;
  let received = 0;
  while (received < 2 * count) {
    const bell = receiver.doorbell(0);
    const ticket = bell.prepare();
    if (receiver.depth(0) === 0) await bell.waitAsync(ticket, 100);
    else bell.cancel();
    received += receiver.drain(0, (message) => {
      const { sender, seq } = message as { sender: 0 | 1; seq: number };
      if (seq !== next[sender]) outOfOrder++;
      next[sender] = seq + 1;
    });
  }
  const reports = (await Promise.all(sent)).map(([report]) => report as { heldBack: number });
  await Promise.all(senders.map((worker) => worker.terminate()));
  expect(reports.every(({ heldBack }) => heldBack > 0)).toBe(true);
  expect({ received, outOfOrder, next }).toEqual({
    received: 2 * count,
    outOfOrder: 0,
    next: [count, count],
  });
  expect(heap.stats().allocations).toBe(0);
}, 60_000);

it('refuses at send a message too big for its heap ever to carry, and goes on with the others', () => {
  const heap = SharedHeap.create({ bytes: 64 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 8 }).buffer];
  const channel = new Channel(heap.buffer, inboxes);
  const big = 'x'.repeat(60 * 1024);
  expect(() => channel.check(big)).toThrow(/message is \d+ bytes encoded, more than the channel's heap/);
  channel.send(0, 'before');
  expect(() => channel.send(0, big)).toThrow(RangeError);
  channel.send(0, 'after');
  expect(() => channel.check({ f: () => 1 })).toThrow(/message\.f cannot be copied: it is a function/);
  channel.check('fits'); // checking sends nothing
  expect(channel.flush()).toBe(true);
  const received: unknown[] = [];
  channel.drain(0, (message) => received.push(message));
  expect(received).toEqual(['before', 'after']);
});

it('takes at most maxBatches batches per drain, oldest first, and the rest on the next', () => {
  const heap = SharedHeap.create({ bytes: 64 * 1024 });
  const inboxes = [LMSQueue.create({ capacity: 8 }).buffer];
  const channel = new Channel(heap.buffer, inboxes);
  for (let batch = 0; batch < 3; batch++) {
    channel.send(0, `batch ${batch}, first`);
    channel.send(0, `batch ${batch}, second`);
    channel.flush(); // one batch per flush
  }
  const received: unknown[] = [];
  expect(channel.drain(0, (message) => received.push(message), 2)).toBe(4);
  expect(received).toEqual(['batch 0, first', 'batch 0, second', 'batch 1, first', 'batch 1, second']);
  expect(channel.depth(0)).toBe(1);
  expect(channel.drain(0, (message) => received.push(message), 2)).toBe(2);
  expect(received.slice(4)).toEqual(['batch 2, first', 'batch 2, second']);
  expect(heap.stats().allocations).toBe(0);
});
