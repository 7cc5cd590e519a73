/**
 * Servers defined at module level move between cores — by `migrate`, or by rebalancing — with their
 * pid, mailbox, name, links and monitors, and nothing sent to them is lost or reordered on the way.
 */
import { threadId } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  _,
  type ActorSystem,
  after,
  call,
  cast,
  exit,
  migrate,
  monitor,
  on,
  type Pid,
  processInfo,
  receive,
  register,
  self,
  sleep,
  spawn,
  spawnLink,
  start,
  startServer,
  trapExit,
  whereis,
} from '../dist/index.js';
import {
  caster,
  client,
  eagerCaster,
  homebound,
  ledger,
  mover,
  rest,
  shuttle,
  spinner,
} from './workers/migration.mjs';

interface Report {
  count: number;
  disorder: number;
  thread: number;
}

/** Waits until `pid` runs on `core` (for 20 s at most: a loaded machine can take its time). */
function* settledOn(pid: Pid, core: number): Generator<unknown, void, unknown> {
  const end = performance.now() + 20_000;
  while (performance.now() < end) {
    if ((yield* processInfo(pid))?.core === core) return;
    yield* sleep(1);
  }
  throw new Error(`the process never reached core ${core}`);
}

// Moves take turns of two threads: far slower than the default 5 s allow on a loaded machine.
describe('moving a server between cores', { timeout: 30_000 }, () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await start({ schedulers: 2, rebalanceMs: 0 });
  });
  afterAll(() => system.stop());

  it('loses and reorders nothing while casts and calls from both cores are in flight, and keeps its pid', async () => {
    const clients = 4;
    const count = 20_000;
    const moves = 10;
    const { report, threads, down } = await system.run(function* () {
      const me = self();
      const server = (yield* startServer(ledger, [], { affinity: 0 })) as Pid;
      const ref = monitor(server);
      for (let id = 0; id < clients; id++) spawn(client, [server, id, count, me], { affinity: id % 2 });
      // Back and forth while the clients work: each shuttle moves it off its own core.
      spawn(shuttle, [server, 1, moves, me], { affinity: 0 });
      spawn(shuttle, [server, 0, moves, me], { affinity: 1 });
      const threads = new Set<number>();
      for (let done = 0; done < clients; done++) {
        const [, , seen] = (yield* receive(on(['done', _, _]))) as [string, number, number[]];
        for (const thread of seen) threads.add(thread);
      }
      yield* receive(on(['shuttled', _]));
      yield* receive(on(['shuttled', _]));
      const report = (yield* call(server, ['report'])) as unknown as Report;
      const down = yield* receive(
        on(['DOWN', ref, _, _, _]),
        after(0, () => 'no DOWN'),
      );
      return { report, threads, down };
    });
    expect(report.count).toBe(clients * count);
    expect(report.disorder).toBe(0);
    // Calls were answered on both cores: the moves happened under load.
    expect(threads.size).toBe(2);
    expect(down).toBe('no DOWN');
  }, 60_000);

  it('keeps the order of what its new core sent it while it moved (a big state, long turns on the old core)', async () => {
    const report = await system.run(function* () {
      const me = self();
      const server = (yield* startServer(ledger, [100_000], { affinity: 0 })) as Pid;
      spawn(spinner, [0.1, 5_000], { affinity: 0 });
      spawn(caster, [server, 1, 5_000, me], { affinity: 1 });
      spawn(mover, [server, 1, 50, me], { affinity: 0 });
      expect(yield* receive(on(['mover', _]))).toEqual(['mover', true]);
      yield* receive(on(['cast', _])); // all 5,000 taken by the server
      return (yield* call(server, ['report'])) as unknown as Report;
    });
    expect(report).toMatchObject({ count: 5_000, disorder: 0 });
  }, 60_000);

  it("keeps the order of its new core's sends made while it moved, and of those made after the table names that core", async () => {
    for (let round = 0; round < 3; round++) {
      const report = await system.run(function* () {
        const me = self();
        const server = (yield* startServer(ledger, [], { affinity: 0 })) as Pid;
        spawn(spinner, [0.2, 200], { affinity: 0 });
        spawn(eagerCaster, [server, 1, 30_000, me], { affinity: 1 });
        yield* sleep(5);
        while (!migrate(server, 1)) yield* sleep(0);
        yield* receive(on(['cast', _])); // all 30,000 taken by the server
        return (yield* call(server, ['report'], 20_000)) as unknown as Report;
      });
      expect(report).toMatchObject({ count: 30_000, disorder: 0 });
    }
  }, 90_000);

  it('takes its name, links and monitors along', async () => {
    await system.run(function* () {
      const me = self();
      trapExit(true);
      const server = (yield* startServer(ledger, [], { affinity: 0 })) as Pid;
      register('movingLedger', server);
      const ref = monitor(server);
      const linked = spawnLink(function* () {
        yield* receive();
      });
      // The server's reply may run this process before the server is back in its loop, at rest.
      while (!migrate(server, 1)) yield* sleep(0);
      yield* settledOn(server, 1);
      expect(whereis('movingLedger')).toBe(server);
      const report = (yield* call('movingLedger', ['report'])) as unknown as Report;
      expect(report.thread).not.toBe(threadId);
      // A link made before the move still ties the two.
      const info = yield* processInfo(server);
      expect(info?.monitoredBy).toEqual([me]);
      exit(server, 'boom');
      expect(yield* receive(on(['DOWN', ref, _, _, _]))).toEqual(['DOWN', ref, 'process', server, 'boom']);
      exit(linked, 'kill');
      yield* receive(on(['EXIT', linked, _]));
      trapExit(false);
    });
  });

  it('stays, with all its mail, when the new core cannot find its definition', async () => {
    const report = await system.run(function* () {
      const server = (yield* startServer(homebound, [], { affinity: 0 })) as Pid;
      for (let seq = 0; seq < 100; seq++) cast(server, ['note', 0, seq]);
      while (!migrate(server, 1)) yield* sleep(1); // once it has taken those and rests
      for (let seq = 100; seq < 200; seq++) cast(server, ['note', 0, seq]);
      return (yield* call(server, ['report'])) as unknown as Report;
    });
    expect(report).toEqual({ count: 200, disorder: 0, thread: threadId });
  });

  it('moves only what can go on elsewhere, to a core that exists', async () => {
    await system.run(function* () {
      const plain = spawn(function* () {
        yield* receive();
      });
      yield;
      expect(migrate(plain, 1)).toBe(false);
      expect(() => migrate(plain, 2)).toThrow(/core must be a scheduler index from 0 to 1, got 2/);
      expect(() => migrate(42 as Pid, 1)).toThrow(/pid must be a pid/);
      exit(plain, 'kill');
    });
  });
});

describe('rebalancing', { timeout: 30_000 }, () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await start({ schedulers: 2, rebalanceMs: 5 });
  });
  afterAll(() => system.stop());

  it('moves a resting server off the busiest core, and leaves one given an affinity', async () => {
    const { moved, pinned } = await system.run(function* () {
      const free = (yield* startServer(ledger, [])) as Pid;
      const home = (yield* processInfo(free))?.core as number;
      const pinned = (yield* startServer(ledger, [], { affinity: home })) as Pid;
      // Forty idle processes make the server's core the busiest by far; they are pinned there.
      const idle = Array.from({ length: 40 }, () => spawn(rest, [], { affinity: home }));
      yield* settledOn(free, 1 - home);
      yield* sleep(50); // ten more rebalancing rounds
      const where = (yield* processInfo(pinned))?.core;
      for (const pid of idle) exit(pid, 'kill');
      return { moved: (yield* processInfo(free))?.core !== home, pinned: where === home };
    });
    expect(moved).toBe(true);
    expect(pinned).toBe(true);
  });
});

describe('a server too big for the channel', { timeout: 30_000 }, () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await start({ schedulers: 2, rebalanceMs: 0, heapBytes: 1 << 20 });
  });
  afterAll(() => system.stop());

  it('stays where it is, answering, and the cores go on talking', async () => {
    const { where, thread, other } = await system.run(function* () {
      const big = (yield* startServer(ledger, [2 << 20], { affinity: 0 })) as Pid;
      const small = (yield* startServer(ledger, [], { affinity: 1 })) as Pid;
      expect(migrate(big, 1)).toBe(true);
      yield* sleep(50);
      const where = (yield* processInfo(big))?.core;
      const thread = ((yield* call(big, ['report'])) as unknown as Report).thread;
      const other = ((yield* call(small, ['report'])) as unknown as Report).thread;
      return { where, thread, other };
    });
    expect(where).toBe(0);
    expect(thread).toBe(threadId);
    expect(other).not.toBe(threadId);
  });
});
