// The beamish demo on the default configuration: one scheduler per core, portable tasks placed
// random-but-even, a skewed load rebalanced, a worker crash survived. `npm run demo` runs it.
import { availableParallelism } from 'node:os';
import { threadId } from 'node:worker_threads';
import { startSchedulers } from '@beamish/scheduler';

const tasks = new URL('./demo-tasks.mjs', import.meta.url).href;
const group = startSchedulers(); // os.availableParallelism() schedulers; 0 runs on this thread
console.log(
  `${group.count} schedulers on ${availableParallelism()} cores (scheduler 0 is thread ${threadId})`,
);

// 1. Placement: the power of two random choices spreads 10,000 tasks evenly; rebalancing then moves
// tasks not started yet away from a busier scheduler (here 0, which also runs this loop).
let started = performance.now();
const results = await Promise.all(
  Array.from({ length: 10_000 }, () => group.spawnPortable({ module: tasks, name: 'sum', args: [5_000] })),
);
const perThread = new Map();
for (const { threadId: ran } of results) perThread.set(ran, (perThread.get(ran) ?? 0) + 1);
const placedMoves = group.stats().reduce((sum, core) => sum + core.migrationsIn, 0);
console.log(
  `\n10,000 portable tasks in ${(performance.now() - started).toFixed(0)} ms (${placedMoves} moved by rebalancing); where they ran:`,
);
for (const [thread, count] of [...perThread].sort((a, b) => a[0] - b[0])) {
  console.log(`  thread ${thread}: ${count.toLocaleString('en')}`);
}

// 2. Rebalancing: a CPU-bound load started entirely on the last scheduler spreads over every core.
const grinders = 4 * group.count;
const movedBefore = group.stats().reduce((sum, core) => sum + core.migrationsIn, 0);
started = performance.now();
await Promise.all(
  Array.from({ length: grinders }, () =>
    group.spawnPortable(
      { module: tasks, name: 'grind', args: [{ i: 0, n: 2_000_000, x: 1 }], migratable: true },
      { prefer: group.count - 1 },
    ),
  ),
);
const moved = group.stats().reduce((sum, core) => sum + core.migrationsIn, 0) - movedBefore;
console.log(
  `\n${grinders} CPU-bound tasks started on scheduler ${group.count - 1}: done in ${(performance.now() - started).toFixed(0)} ms, ${moved} moves by rebalancing`,
);

// 3. Faults: a task that kills its worker thread ends with scheduler_down; a replacement takes over.
if (group.count > 1) {
  const victim = group.spawnPortable({ module: tasks, name: 'sum', args: [1e9] }, { affinity: 1 });
  const crash = group.spawnPortable({ module: tasks, name: 'crash' }, { affinity: 1 });
  const ends = await Promise.allSettled([victim, crash]);
  console.log(`\nworker 1 crashed: its tasks ended with ${ends.map((end) => end.reason?.reason).join(', ')}`);
  const after = await group.spawnPortable({ module: tasks, name: 'sum', args: [100] }, { affinity: 1 });
  console.log(`its replacement (thread ${after.threadId}) returned ${after.total}`);
}

console.log('\nper scheduler:');
console.table(
  group.stats().map(({ index, slices, busy, migrationsIn, migrationsOut }) => ({
    scheduler: index,
    slices,
    'busy %': Math.round(busy * 100),
    'moved in': migrationsIn,
    'moved out': migrationsOut,
  })),
);
await group.stop(); // nothing keeps Node alive afterwards
