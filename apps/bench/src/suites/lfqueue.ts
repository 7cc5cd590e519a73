import { LMSQueue, MSQueue } from '@beamish/lfqueue';
import type { BenchCase, Suite } from '../suite.js';
import type { RunStats } from '../threads/control.js';
import { Team } from '../threads/team.js';
import type { Transport } from '../threads/worker-data.js';

/** The worker's built file, found from this file's own, `dist/suites/lfqueue.js`: Node 20 cannot run `.ts` in a worker. */
const WORKER_URL = new URL('../workers/lfqueue-worker.js', import.meta.url);
/** Every bounded competitor gets the same room: a mailbox-sized queue, so producers do meet a full one. */
const CAPACITY = 1024;
const BATCH = 1000;

/** Dequeued values go here so that the work cannot be optimised away. */
// biome-ignore lint/correctness/noUnusedVariables: written only, which is the point: the engine must keep the work
let sink = 0;

/** One thread: an enqueue then a dequeue, so the queue goes from empty to one item and back. */
function singleThreadCase(
  name: string,
  ours: LMSQueue,
  baselineName: string,
  baseline: () => void,
): BenchCase {
  return {
    name,
    unit: 'ns/op',
    baselineName,
    opsPerCall: BATCH,
    ours: () => {
      for (let i = 0; i < BATCH; i++) {
        ours.tryEnqueue(i);
        sink += ours.tryDequeue() as number;
      }
    },
    baseline,
  };
}

function singleThreadCases(): BenchCase[] {
  const lms = LMSQueue.create({ capacity: CAPACITY });
  const ms = MSQueue.create({ capacity: CAPACITY });
  const array: number[] = [];
  return [
    singleThreadCase('1 thread enqueue+dequeue, LMSQueue vs MSQueue', lms, 'MSQueue', () => {
      for (let i = 0; i < BATCH; i++) {
        ms.tryEnqueue(i);
        sink += ms.tryDequeue() as number;
      }
    }),
    singleThreadCase(
      '1 thread enqueue+dequeue, LMSQueue vs Array',
      lms,
      'Array push + shift, not shared',
      () => {
        for (let i = 0; i < BATCH; i++) {
          array.push(i);
          sink += array.shift() as number;
        }
      },
    ),
  ];
}

/** Each baseline of the thread cases: its name in the case name, and in the baseline column. */
const BASELINES: Record<
  Exclude<Transport, 'LMSQueue'>,
  { short: string; baselineName: (pairs: number) => string }
> = {
  MSQueue: { short: 'MSQueue', baselineName: () => 'MSQueue, same harness' },
  LockedQueue: { short: 'locked ring', baselineName: () => 'ring buffer + futex mutex' },
  postMessage: {
    short: 'postMessage',
    // Two channels for 2P/2C, each producer posting to its own consumer: postMessage has no
    // multi-consumer channel, and independent pairs never contend, which favours the baseline.
    baselineName: (pairs) =>
      `postMessage, pipelined (${pairs === 1 ? '1 channel' : `${pairs} channels, 1 per pair`})`,
  },
};

/** `pairs` producers and as many consumers move `items` one-word items; one call is one whole transfer. */
function threadCase(
  pairs: number,
  items: number,
  lms: Team,
  other: Team,
  minRatio: number | undefined,
): BenchCase {
  const transport = other.transport as Exclude<Transport, 'LMSQueue'>;
  const { short, baselineName } = BASELINES[transport];
  const stats = { ours: zeroStats(), baseline: zeroStats() };
  const benchCase: BenchCase = {
    name: `${pairs}P/${pairs}C LMSQueue vs ${short}`,
    unit: 'items/s',
    baselineName: baselineName(pairs),
    opsPerCall: items,
    ours: () => addStats(stats.ours, items, lms.run(pairs, items)),
    baseline: () => addStats(stats.baseline, items, other.run(pairs, items)),
    // Counted by the workers over every run of this case (warm-up included), outside the timed loop.
    metrics: () => ({
      ...(transport === 'MSQueue' && {
        'LMSQueue CAS fails/op': stats.ours.casFailures / stats.ours.operations,
        'MSQueue CAS fails/op': stats.baseline.casFailures / stats.baseline.operations,
        'LMSQueue fixList/op': stats.ours.fixLists / stats.ours.operations,
      }),
      'LMSQueue pauses/kitem': (1000 * stats.ours.pauses) / stats.ours.items,
      [`${short} pauses/kitem`]: (1000 * stats.baseline.pauses) / stats.baseline.items,
    }),
  };
  if (minRatio !== undefined) benchCase.target = { minRatio };
  return benchCase;
}

/** A side's counters over all its runs in a case. */
interface CaseStats extends RunStats {
  items: number;
}

function zeroStats(): CaseStats {
  return { items: 0, operations: 0, casFailures: 0, fixLists: 0, pauses: 0 };
}

function addStats(total: CaseStats, items: number, run: RunStats): void {
  total.items += items;
  total.operations += run.operations;
  total.casFailures += run.casFailures;
  total.fixLists += run.fixLists;
  total.pauses += run.pauses;
}

const TRANSPORTS: Transport[] = ['LMSQueue', 'MSQueue', 'LockedQueue', 'postMessage'];
/** Started by `cases`, stopped by `dispose`. */
let teams: Team[] = [];

/** Starts a team per transport; any that started are kept for `dispose` even if another fails. */
async function startTeams(): Promise<Record<Transport, Team>> {
  const started = await Promise.allSettled(
    TRANSPORTS.map((transport) => Team.start(WORKER_URL, transport, CAPACITY)),
  );
  teams = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  return Object.fromEntries(teams.map((team) => [team.transport, team])) as Record<Transport, Team>;
}

const suite: Suite = {
  name: 'lfqueue',
  description: 'LMSQueue vs MSQueue, a locked ring buffer and postMessage, on 1 thread, 1P/1C and 2P/2C',
  cases: async ({ quick }) => {
    // A transfer is one timed call: long enough that waking the workers (tens of µs) does not count.
    const items = quick ? 20_000 : 500_000;
    const team = await startTeams();
    return [
      ...singleThreadCases(),
      ...[1, 2].flatMap((pairs) => [
        // The design target for 2 threads: LMS at least as fast as Michael-Scott.
        threadCase(pairs, items, team.LMSQueue, team.MSQueue, pairs === 1 ? 1 : undefined),
        threadCase(pairs, items, team.LMSQueue, team.LockedQueue, undefined),
        // The design target for one-way cross-thread messages: at least 5× postMessage, one
        // producer to one consumer. With 2 pairs postMessage gets a private channel per pair, which
        // is not a shared many-to-many queue: the figure is shown, without a target.
        threadCase(pairs, items, team.LMSQueue, team.postMessage, pairs === 1 ? 5 : undefined),
      ]),
    ];
  },
  dispose: async () => {
    const closing = teams;
    teams = [];
    await Promise.all(closing.map((team) => team.close()));
  },
};

export default suite;
