import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
// The built package: its worker threads load dist/worker.js.
import { SchedulerDownError, type SchedulerGroup, startSchedulers } from '../dist/index.js';

const module = new URL('./workers/tasks.mjs', import.meta.url).href;
let group: SchedulerGroup | undefined;

afterEach(async () => {
  await group?.stop();
  group = undefined;
});

// Each test starts worker threads: far slower than the default 5 s allow on a loaded machine.
describe('startSchedulers', { timeout: 30_000 }, () => {
  it('runs portable tasks on every scheduler and returns their values', async () => {
    group = startSchedulers({ count: 2 });
    const results = await Promise.all([
      group.spawnPortable({ module, name: 'sum', args: [1000] }, { affinity: 0 }),
      group.spawnPortable({ module, name: 'sum', args: [1000] }, { affinity: 1 }),
      group.spawnPortable({ module, name: 'where' }, { affinity: 0 }),
      group.spawnPortable({ module, name: 'where' }, { affinity: 1 }),
    ]);
    expect(results.slice(0, 2)).toEqual([500500, 500500]);
    expect(results[2]).toBe(threadId);
    expect(results[3]).not.toBe(threadId);
  });

  it('places tasks randomly but evenly: 10,000 over 2 schedulers within ±10%', async () => {
    group = startSchedulers({ count: 2, rebalanceMs: 0 });
    const g = group;
    const threads = await Promise.all(
      Array.from({ length: 10_000 }, () => g.spawnPortable<number>({ module, name: 'where' })),
    );
    const here = threads.filter((id) => id === threadId).length;
    expect(Math.abs(here - 5000)).toBeLessThanOrEqual(500);
  });

  it('honours affinity and group hints, and ignores them when told to', async () => {
    group = startSchedulers({ count: 2, rebalanceMs: 0 });
    const g = group;
    const pinned = await Promise.all(
      Array.from({ length: 50 }, () => g.spawnPortable<number>({ module, name: 'where' }, { affinity: 1 })),
    );
    expect(new Set(pinned).size).toBe(1);
    expect(pinned[0]).not.toBe(threadId);
    const together = await Promise.all(
      Array.from({ length: 50 }, () => g.spawnPortable<number>({ module, name: 'where' }, { group: 'red' })),
    );
    expect(new Set(together).size).toBe(1);
    await g.stop();

    group = startSchedulers({ count: 2, rebalanceMs: 0, hints: false });
    const h = group;
    const ignored = await Promise.all(
      Array.from({ length: 200 }, () => h.spawnPortable<number>({ module, name: 'where' }, { affinity: 1 })),
    );
    expect(new Set(ignored).size).toBe(2);
  });

  it('rebalancing spreads a load started entirely on one scheduler', async () => {
    group = startSchedulers({ count: 2, rebalanceMs: 5 });
    const g = group;
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        g.spawnPortable<number[]>(
          { module, name: 'grind', args: [{ i: 0, n: 400_000, x: 1, threads: [] }], migratable: true },
          { prefer: 1 },
        ),
      ),
    );
    const finishedHere = runs.filter((threads) => threads.at(-1) === threadId).length;
    expect(finishedHere).toBeGreaterThan(0);
    const stats = g.stats();
    expect((stats[1]?.migrationsOut ?? 0) + (stats[0]?.migrationsOut ?? 0)).toBeGreaterThan(0);
  });

  it('reports a task error and a worker crash, and keeps working', async () => {
    group = startSchedulers({ count: 2, rebalanceMs: 0 });
    await expect(
      group.spawnPortable({ module, name: 'boom', args: ['bad'] }, { affinity: 1 }),
    ).rejects.toThrow('bad');
    await expect(group.spawnPortable({ module, name: 'missing' }, { affinity: 1 })).rejects.toThrow(
      /no exported function/,
    );
    // On this thread, with the module loaded already, the failure comes at once: it reaches the caller.
    expect(await group.spawnPortable({ module, name: 'sum', args: [3] }, { affinity: 0 })).toBe(6);
    await expect(group.spawnPortable({ module, name: 'missing' }, { affinity: 0 })).rejects.toThrow(
      /no exported function/,
    );
    const victim = group.spawnPortable({ module, name: 'forever' }, { affinity: 1 });
    const crash = group.spawnPortable({ module, name: 'crash' }, { affinity: 1 });
    const [victimEnd, crashEnd] = await Promise.allSettled([victim, crash]);
    for (const end of [victimEnd, crashEnd]) {
      expect(end.status).toBe('rejected');
      expect(SchedulerDownError.isInstance((end as PromiseRejectedResult).reason)).toBe(true);
      expect((end as PromiseRejectedResult).reason.reason).toBe('scheduler_down');
    }
    // A replacement worker takes new work.
    expect(await group.spawnPortable({ module, name: 'sum', args: [10] }, { affinity: 1 })).toBe(55);
  });

  it.each([
    ['an uncaught error outside any task', 'throwOutside', { message: 'uncaught in the worker' }],
    ['exceeding resourceLimits', 'hog', { code: 'ERR_WORKER_OUT_OF_MEMORY' }],
  ])('reports a worker killed by %s as scheduler_down, and replaces it', async (_, name, cause) => {
    group = startSchedulers({
      count: 2,
      rebalanceMs: 0,
      resourceLimits: { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 8 },
    });
    const victim = group.spawnPortable({ module, name: 'forever' }, { affinity: 1 });
    const killer = group.spawnPortable({ module, name }, { affinity: 1 });
    for (const end of await Promise.allSettled([victim, killer])) {
      expect(end.status).toBe('rejected');
      expect((end as PromiseRejectedResult).reason.reason).toBe('scheduler_down');
      expect((end as PromiseRejectedResult).reason.cause).toMatchObject(cause);
    }
    expect(await group.spawnPortable({ module, name: 'sum', args: [10] }, { affinity: 1 })).toBe(55);
  });

  it('rejects bad options and tasks with errors that name the argument', () => {
    expect(() => startSchedulers({ count: 0 })).toThrow(/options\.count must be an integer of at least 1/);
    expect(() => startSchedulers({ resourceLimits: 64 as never })).toThrow(/options\.resourceLimits/);
    group = startSchedulers({ count: 2, rebalanceMs: 0 });
    expect(() => group?.spawnPortable({ module, name: 'sum' }, { affinity: 2 })).toThrow(
      /options\.affinity must be a scheduler index from 0 to 1/,
    );
    expect(() => group?.spawnPortable({ module, name: 'sum', args: [() => 1] })).toThrow(
      /task\.args cannot be copied/,
    );
    expect(() => group?.spawnPortable({ name: 'sum' } as never)).toThrow(TypeError);
  });

  it('leaves nothing running after stop(): the process exits by itself', async () => {
    const script = fileURLToPath(new URL('./workers/stop-and-exit.mjs', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 20_000 });
    expect(stdout.trim()).toBe('55 stopped');
  });
});
