import { once } from 'node:events';
import { deserialize, serialize } from 'node:v8';
import type { Worker } from 'node:worker_threads';
import { SharedHeap } from '@beamish/arena';
import { LMSQueue } from '@beamish/lfqueue';
import {
  Channel,
  Decoder,
  Encoder,
  type GroupOptions,
  Scheduler,
  type SchedulerGroup,
  startSchedulers,
} from '@beamish/scheduler';
import type { BenchCase, Suite } from '../suite.js';
import type { ChannelMessage, ReceiverData, ReceiverReport } from '../threads/channel-messages.js';
import { WorkerSet } from '../threads/worker-set.js';

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

/** Spawn-to-finish of tiny tasks on this thread: spawn, one slice, return, awaited by the spawner. */
function localSpawnCase(): BenchCase {
  const scheduler = new Scheduler();
  const SPAWNS = 1000;
  function* tiny(n: number) {
    yield;
    return n + 1;
  }
  async function tinyAsync(n: number) {
    await null;
    return n + 1;
  }
  return {
    name: `spawn-to-finish of ${SPAWNS} tiny local tasks`,
    unit: 'ops/s',
    baselineName: `${SPAWNS} async functions, one await each`,
    opsPerCall: SPAWNS,
    ours: () => Promise.all(Array.from({ length: SPAWNS }, (_, i) => scheduler.spawn(() => tiny(i)))),
    baseline: () => Promise.all(Array.from({ length: SPAWNS }, (_, i) => tinyAsync(i))),
  };
}

/** Everything a case started that `dispose` must stop. */
let groups: SchedulerGroup[] = [];

/**
 * A group started on first use, not when the case list is built: a running group's rebalancer and
 * idle spinning would otherwise share the main thread with the cases measured before it.
 */
function lazyGroup(options: GroupOptions): () => SchedulerGroup {
  let group: SchedulerGroup | undefined;
  return () => {
    if (group === undefined) {
      group = startSchedulers(options);
      groups.push(group);
    }
    return group;
  };
}
const workers = new WorkerSet(import.meta.url);

/**
 * Spawn-to-finish of tiny portable tasks on the other core: the group sends each task through the
 * cross-core channel and the result comes back the same way. The baseline is a worker pool of one
 * thread running the same task per job, jobs and results carried by `postMessage`.
 */
function portableSpawnCase(): BenchCase {
  const SPAWNS = 1000;
  const module = new URL('../workers/scheduler-tasks.js', import.meta.url).href;
  const group = lazyGroup({ count: 2, rebalanceMs: 0 });
  const pool = workers.start('job-runner');
  const waiting = new Map<number, (value: number) => void>();
  pool.on('message', ({ id, value }: { id: number; value: number }) => {
    waiting.get(id)?.(value);
    waiting.delete(id);
  });
  let nextId = 0;
  const job = (n: number) =>
    new Promise<number>((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      pool.postMessage({ id, n });
    });
  return {
    name: `spawn-to-finish of ${SPAWNS} tiny portable tasks on the other core`,
    unit: 'ops/s',
    baselineName: 'a one-thread worker pool over postMessage',
    opsPerCall: SPAWNS,
    ours: () =>
      Promise.all(
        Array.from({ length: SPAWNS }, (_, i) =>
          group().spawnPortable({ module, name: 'tiny', args: [i] }, { affinity: 1 }),
        ),
      ),
    baseline: () => Promise.all(Array.from({ length: SPAWNS }, (_, i) => job(i))),
  };
}

/**
 * Event-loop latency while the scheduler is saturated: how long a 1 ms `setTimeout` takes to fire
 * while 100 CPU-bound tasks share this thread, against the same timer on an idle thread. The
 * scheduler yields to the event loop every `maxTurnMs` (1 ms), so the timer should fire within
 * 1 ms + 1 ms.
 */
function latencyCase(): BenchCase {
  const scheduler = new Scheduler();
  let busy: Promise<unknown> | undefined;
  let running = false;
  function* spin() {
    while (running) {
      let x = 0;
      for (let i = 0; i < 200; i++) x += i;
      yield x;
    }
  }
  const delays = { ours: [] as number[], baseline: [] as number[] };
  const timer = (side: number[]) => () =>
    new Promise<void>((resolve) => {
      const start = performance.now();
      setTimeout(() => {
        side.push(performance.now() - start);
        resolve();
      }, 1);
    });
  const quiet = async () => {
    running = false;
    await busy;
    busy = undefined;
  };
  return {
    name: 'a 1 ms timer while 100 CPU-bound tasks saturate the thread',
    unit: 'µs/op',
    baselineName: 'the same timer on an idle thread',
    beforeEachOurs: () => {
      if (busy) return;
      running = true;
      busy = Promise.all(Array.from({ length: 100 }, () => scheduler.spawn(spin)));
    },
    ours: timer(delays.ours),
    beforeEachBaseline: quiet,
    baseline: timer(delays.baseline),
    // The timer's 1 ms plus one turn of at most maxTurnMs (1 ms).
    target: { maxOurs: 2000 },
    metrics: () => {
      const p99 = (side: number[]) => {
        const sorted = side.sort((a, b) => a - b);
        return Math.round((sorted[Math.floor(sorted.length * 0.99)] ?? 0) * 1000);
      };
      return { 'ours p99 (µs)': p99(delays.ours), 'baseline p99 (µs)': p99(delays.baseline) };
    },
  };
}

/**
 * One-way throughput of the cross-core channel: 10,000 actor-like messages from this thread to a
 * worker, which checks their order. The baseline posts the same messages with `postMessage`.
 */
async function channelCase(): Promise<BenchCase> {
  const MESSAGES = 10_000;
  const heap = SharedHeap.create({ bytes: 16 << 20 }).buffer;
  const inboxes = [LMSQueue.create({ capacity: 4096 }).buffer, LMSQueue.create({ capacity: 4096 }).buffer];
  const channel = new Channel(heap, inboxes);
  const stop: ChannelMessage = { kind: 'stop' };
  const overChannel = workers.start(
    'channel-receiver',
    { transport: 'Channel', heap, inboxes } satisfies ReceiverData,
    () => {
      channel.send(1, stop);
      channel.flush();
    },
  );
  const overPort = workers.start('channel-receiver', { transport: 'postMessage' } satisfies ReceiverData);
  await Promise.all([once(overChannel, 'online'), once(overPort, 'online')]);
  const run = async (worker: Worker, send: (message: ChannelMessage) => void) => {
    const report = once(worker, 'message');
    for (let seq = 0; seq < MESSAGES; seq++) send({ kind: 'item', seq, to: 42, body: ['put', 'key', seq] });
    send({ kind: 'end' });
    const [{ received, outOfOrder }] = (await report) as [ReceiverReport];
    if (received !== MESSAGES || outOfOrder !== 0) {
      throw new Error(`${received} of ${MESSAGES} messages arrived, ${outOfOrder} out of order`);
    }
  };
  return {
    name: `${MESSAGES.toLocaleString('en')} messages to another core over the channel`,
    unit: 'items/s',
    baselineName: 'the same messages over postMessage',
    opsPerCall: MESSAGES,
    ours: () => run(overChannel, (message) => channel.send(1, message)),
    baseline: () => run(overPort, (message) => overPort.postMessage(message)),
  };
}

/**
 * The codec that carries messages between cores: encode an actor-like message and decode it from
 * shared memory, against the V8 serializer that `postMessage` uses (`v8.serialize`/`deserialize`).
 */
function codecCase(): BenchCase {
  const ROUNDS = 1000;
  const encoder = new Encoder();
  const decoder = new Decoder();
  const shared = new Uint8Array(new SharedArrayBuffer(4096));
  const message = (seq: number) => ({ kind: 'item', seq, to: 42, body: ['put', 'key', seq] });
  return {
    name: 'encode + decode an actor-like message',
    unit: 'ns/op',
    baselineName: 'v8.serialize + v8.deserialize',
    opsPerCall: ROUNDS,
    ours: () => {
      for (let i = 0; i < ROUNDS; i++) {
        const bytes = encoder.encode(message(i));
        shared.set(bytes);
        decoder.decode(shared, 0, bytes.length);
      }
    },
    baseline: () => {
      for (let i = 0; i < ROUNDS; i++) {
        const bytes = serialize(message(i));
        shared.set(bytes);
        deserialize(shared.subarray(0, bytes.length));
      }
    },
  };
}

const GRINDERS = 8;

/**
 * A skewed CPU-bound load: 8 migratable tasks all started on the last scheduler. With 2 schedulers
 * rebalancing moves half of them to the other core; the baseline is the same load on 1 scheduler.
 */
function skewCase(steps: number): BenchCase {
  const module = new URL('../workers/scheduler-tasks.js', import.meta.url).href;
  const [one, two] = [lazyGroup({ count: 1 }), lazyGroup({ count: 2 })] as const;
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
    ours: () => run(two()),
    baseline: () => run(one()),
    target: { minRatio: 1.8 },
    metrics: () => ({
      'tasks moved': two()
        .stats()
        .reduce((sum, core) => sum + core.migrationsIn, 0),
    }),
  };
}

const suite: Suite = {
  name: 'scheduler',
  description: 'round-robin slices on one core; rebalancing a skewed load over 2 cores',
  cases: async ({ quick }) => [
    slicesCase(quick ? 100 : 1000),
    localSpawnCase(),
    portableSpawnCase(),
    latencyCase(),
    codecCase(),
    await channelCase(),
    skewCase(quick ? 100_000 : 1_000_000),
  ],
  dispose: async () => {
    const closing = groups;
    groups = [];
    await Promise.all([...closing.map((group) => group.stop()), workers.close()]);
  },
};

export default suite;
