import { Scheduler, type SchedulerGroup, startSchedulers } from '@beamish/scheduler';
import type { BenchCase, Suite } from '../suite.js';

const TASKS = 100;

/**
 * Round-robin interleaving of 100 tasks on one thread: a slice is one generator step under the
 * scheduler; the baseline interleaves the same 100 loops the plain way, an `await` per step.
 */
function slicesCase(slicesPerTask: number): BenchCase {
  const scheduler = new Scheduler();
  function* body() {
    for (let i = 0; i < slicesPerTask; i++) yield;
  }
  async function step() {
    for (let i = 0; i < slicesPerTask; i++) await null;
  }
  return {
    name: `${TASKS} tasks sharing a core, per slice`,
    unit: 'ns/op',
    baselineName: `${TASKS} async functions, an await per step`,
    opsPerCall: TASKS * slicesPerTask,
    ours: () => Promise.all(Array.from({ length: TASKS }, () => scheduler.spawn(body))),
    baseline: () => Promise.all(Array.from({ length: TASKS }, step)),
    // At least 20 M slices per second.
    target: { maxOurs: 50 },
  };
}

let groups: SchedulerGroup[] = [];
const GRINDERS = 8;

/**
 * A skewed CPU-bound load: 8 migratable tasks all started on the last scheduler. With 2 schedulers
 * rebalancing moves half of them to the other core; the baseline is the same load on 1 scheduler.
 */
function skewCase(steps: number): BenchCase {
  const module = new URL('../workers/scheduler-tasks.js', import.meta.url).href;
  const [one, two] = [startSchedulers({ count: 1 }), startSchedulers({ count: 2 })] as const;
  groups = [one, two];
  const run = (group: SchedulerGroup) =>
    Promise.all(
      Array.from({ length: GRINDERS }, () =>
        group.spawnPortable(
          { module, name: 'grind', args: [{ i: 0, n: steps, x: 1 }], migratable: true },
          { prefer: group.count - 1 },
        ),
      ),
    );
  return {
    name: `${GRINDERS} CPU-bound tasks started on one core, 2 schedulers with rebalancing`,
    unit: 'ms/op',
    baselineName: 'the same load on 1 scheduler',
    ours: () => run(two),
    baseline: () => run(one),
    target: { minRatio: 1.8 },
    metrics: () => ({ 'tasks moved': two.stats().reduce((sum, core) => sum + core.migrationsIn, 0) }),
  };
}

const suite: Suite = {
  name: 'scheduler',
  description: 'round-robin slices on one core; rebalancing a skewed load over 2 cores',
  cases: ({ quick }) => [slicesCase(quick ? 100 : 1000), skewCase(quick ? 100_000 : 1_000_000)],
  dispose: async () => {
    const closing = groups;
    groups = [];
    await Promise.all(closing.map((group) => group.stop()));
  },
};

export default suite;
