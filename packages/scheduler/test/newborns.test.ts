import { describe, expect, it } from 'vitest';
import { Scheduler, type Task } from '../src/index.js';

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

describe('tasks not yet run', () => {
  it('run depth first when tasks start tasks: children before their parent’s siblings, in the order started', async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    const leaf = (name: string) =>
      // biome-ignore lint/correctness/useYield: one slice is all a leaf needs
      function* () {
        order.push(name);
      };
    const node = (name: string) =>
      // biome-ignore lint/correctness/useYield: one slice is all a node needs
      function* () {
        order.push(name);
        for (let i = 1; i <= 3; i++) scheduler.spawn(leaf(`${name}${i}`));
      };
    // biome-ignore lint/correctness/useYield: one slice is all the root needs
    await scheduler.spawn(function* () {
      order.push('r');
      for (const name of ['a', 'b', 'c']) scheduler.spawn(node(name));
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order.join(' ')).toBe('r a a1 a2 a3 b b1 b2 b3 c c1 c2 c3');
  });

  it('keep few of a large tree of tasks alive at once', async () => {
    const scheduler = new Scheduler();
    let alive = 0;
    let peak = 0;
    let leaves = 0;
    const node = (depth: number) =>
      function* (): Generator<unknown, void, unknown> {
        alive++;
        peak = Math.max(peak, alive);
        if (depth === 0) leaves++;
        else {
          const children: Task[] = [];
          for (let i = 0; i < 10; i++) children.push(scheduler.spawn(node(depth - 1)));
          // Parked until the children are done: what a process waiting for their answers does.
          while (children.some((child) => child.state !== 'done')) yield;
        }
        alive--;
      };
    await scheduler.spawn(node(4));
    expect(leaves).toBe(10_000);
    // Breadth first, all 10,000 leaves would be alive before the first ran.
    expect(peak).toBeLessThan(100);
  });

  it.each([1, 4, 100_000])(
    'leave the queue one slice in every five, however many keep coming (%i slices a turn)',
    async (maxSlicesPerTurn) => {
      const scheduler = new Scheduler({ maxSlicesPerTurn, maxTurnMs: 10_000 });
      const links = 5_000;
      let linked = 0;
      let busySlices = 0;
      let busyWhileLinking = 0;
      const busy = scheduler.spawn(function* () {
        while (linked < links) {
          busySlices++;
          yield;
        }
      });
      // biome-ignore lint/correctness/useYield: one slice is all a link needs
      const link = function* (): Generator<unknown, void, unknown> {
        if (++linked < links) scheduler.spawn(link);
        busyWhileLinking = busySlices;
      };
      // The busy task is in the queue once it has run; then a chain starts, each link starting the
      // next. The count of lane slices in a row goes on from one turn to the next.
      await until(() => busySlices > 0);
      const before = busySlices;
      scheduler.spawn(link);
      await busy;
      expect(linked).toBe(links);
      expect(busyWhileLinking - before).toBeGreaterThanOrEqual(links / 5 - 2);
    },
  );

  it('leave the queue its turn when the queue holds tasks cancelled while they waited', async () => {
    const scheduler = new Scheduler({ maxSlicesPerTurn: 100_000, maxTurnMs: 10_000 });
    let linked = 0;
    const spin = function* () {
      for (;;) yield;
    };
    // Ten live tasks among a thousand that will be cancelled, all of them in the queue.
    const liveRanAt: number[] = [];
    const doomed: Task[] = [];
    const live: Task[] = [];
    for (let i = 0; i < 10; i++) {
      for (let j = 0; j < 100; j++) doomed.push(scheduler.spawn(spin));
      live.push(
        scheduler.spawn(function* () {
          while (linked === 0) yield;
          liveRanAt.push(linked);
        }),
      );
    }
    await until(() => [...live, ...doomed].every((task) => task.slices > 0));
    // Their entries stay in the queue, to be dropped when reached.
    for (const task of doomed) scheduler.cancel(task, 'gone');
    // biome-ignore lint/correctness/useYield: one slice is all a link needs
    const link = function* (): Generator<unknown, void, unknown> {
      if (++linked < 10_000) scheduler.spawn(link);
    };
    scheduler.spawn(link);
    await Promise.all(live);
    // One queue slice after every four links: all ten live tasks within about fifty links, however
    // many cancelled entries lie between them (four links for each would be four thousand).
    expect(liveRanAt).toHaveLength(10);
    expect(Math.max(...liveRanAt)).toBeLessThanOrEqual(60);
    await until(() => linked === 10_000);
  });

  it('wait at most 2^20 slices behind tasks started after them', { timeout: 30_000 }, async () => {
    const scheduler = new Scheduler();
    const links = 2 ** 20 + 50_000;
    let linked = 0;
    let waitedFor = -1;
    // biome-ignore lint/correctness/useYield: one slice is all a link needs
    const link = function* (): Generator<unknown, void, unknown> {
      if (++linked < links) scheduler.spawn(link);
    };
    scheduler.spawn(link);
    // biome-ignore lint/correctness/useYield: one slice is all it needs
    const early = scheduler.spawn(function* () {
      waitedFor = linked;
    });
    // Started together from outside, the chain's first link runs first; every link it starts goes
    // ahead of the early task, until that task has waited too long and joins the queue.
    await early;
    await until(() => linked === links);
    expect(waitedFor).toBeGreaterThan(2 ** 19);
    expect(waitedFor).toBeLessThan(2 ** 20 + 10);
  });
});
