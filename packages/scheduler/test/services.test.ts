import { afterEach, expect, it } from 'vitest';
import { type Core, type SchedulerGroup, type Service, startSchedulers } from '../dist/index.js';

const module = new URL('./workers/echo-service.mjs', import.meta.url).href;
type Echo = Service & { core: Core; received: Array<Record<string, unknown>> };

let group: SchedulerGroup | undefined;
afterEach(async () => {
  await group?.stop();
  group = undefined;
}, 30_000);

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

it('installs a service on every scheduler, which talks to its counterparts, worker to worker too', async () => {
  group = startSchedulers({ count: 3, rebalanceMs: 0, services: [{ module, options: { tag: 'hi' } }] });
  await group.ready;
  const echo = group.service<Echo>(0);
  echo.core.send(1, { kind: 'ping', replyTo: 0, hops: 0 });
  echo.core.send(2, { kind: 'ping', replyTo: 0, hops: 0 });
  echo.core.send(1, { kind: 'relay', via: 2, replyTo: 0, hops: 0 }); // 0 → 1 → 2 → 0
  await until(() => echo.received.length === 3);
  expect(echo.received).toEqual(
    expect.arrayContaining([
      { kind: 'pong', from: 1, tag: 'hi', hops: 0 },
      { kind: 'pong', from: 2, tag: 'hi', hops: 0 },
      { kind: 'pong', from: 2, tag: 'hi', hops: 1 },
    ]),
  );
}, 30_000);

it('tells every surviving core when a worker dies, and the replacement serves the same inbox', async () => {
  group = startSchedulers({ count: 3, rebalanceMs: 0, services: [{ module }] });
  await group.ready;
  const echo = group.service<Echo>(0);
  echo.core.send(1, { kind: 'die' });
  await until(() => echo.received.length === 2);
  expect(echo.received).toEqual(
    expect.arrayContaining([
      { kind: 'down', index: 1 },
      { kind: 'heard-down', index: 1, from: 2 },
    ]),
  );
  // Core 2 still holds the same inbox buffer for 1: what it sends reaches the replacement.
  echo.core.send(2, { kind: 'relay', via: 1, replyTo: 0, hops: 0 });
  await until(() => echo.received.length === 3);
  expect(echo.received.find(({ kind }) => kind === 'pong')).toEqual({ kind: 'pong', from: 1, hops: 1 });
}, 30_000);

it('carries addressed messages in order with the others, to receiveAddressed, or else as pairs', async () => {
  group = startSchedulers({
    count: 2,
    rebalanceMs: 0,
    services: [{ module }, { module, options: { plain: true } }],
  });
  await group.ready;
  const echo = group.service<Echo>(0);
  const plain = group.service<Echo>(1);
  echo.core.send(1, { kind: 'ping-addressed', replyTo: 0, address: 7, hops: 0 });
  echo.core.send(1, { kind: 'ping', replyTo: 0, hops: 1 });
  echo.core.send(1, { kind: 'ping-addressed', replyTo: 0, address: 8, hops: 2 });
  plain.core.send(1, { kind: 'ping-addressed', replyTo: 0, address: 9, hops: 0 });
  await until(() => echo.received.length === 3 && plain.received.length === 1);
  expect(echo.received).toEqual([
    { address: 7, kind: 'pong', from: 1, hops: 0 },
    { kind: 'pong', from: 1, hops: 1 },
    { address: 8, kind: 'pong', from: 1, hops: 2 },
  ]);
  expect(plain.received).toEqual([[9, { kind: 'pong', from: 1, hops: 0 }]]);
}, 30_000);

it('rejects ready, and stops, when a service does not install', async () => {
  const broken = new URL('./workers/tasks.mjs', import.meta.url).href; // no install export
  group = startSchedulers({ count: 2, rebalanceMs: 0, services: [{ module: broken }] });
  await expect(group.ready).rejects.toThrow(/options\.services\[0\]\.module: .* exports no install function/);
  expect(() => startSchedulers({ services: [{}] as never })).toThrow(/options\.services\[0\] must be/);
}, 30_000);
