import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { LMSQueue, MSQueue } from '@beamish/lfqueue';
import { LockedQueue } from '../baselines/locked-queue.js';
import {
  CAS_FAILURES,
  COMMAND,
  Control,
  DONE,
  FAILED,
  FIX_LISTS,
  GENERATION,
  ITEMS_PER_PRODUCER,
  OPERATIONS,
  OUT_OF_ORDER,
  PAIRS,
  PAUSES,
  PRODUCERS_LEFT,
  RECEIVED,
  ROW,
  RUN,
  STOP,
  SUM,
} from './control.js';
import type { Transport, WorkerData } from './worker-data.js';

/** Enough workers for 2 producers and 2 consumers; a 1P/1C run uses the first two. */
export const MAX_PAIRS = 2;
const WORKERS = 2 * MAX_PAIRS;
/** A run this long means a worker is stuck (a lost END, a livelock): fail instead of hanging the CLI. */
const RUN_TIMEOUT_MS = 60_000;
/** How long `close` lets a worker finish before terminating it. */
const EXIT_GRACE_MS = 5_000;

/** The queue handles' counters summed over a run's workers (zero for transports without them). */
export interface RunStats {
  operations: number;
  casFailures: number;
  fixLists: number;
  /** Times a worker paused after polling a full or empty channel for a while (every transport). */
  pauses: number;
}

/**
 * Four worker threads moving items through one {@link Transport}, started once and kept asleep on
 * the control block between runs, so that thread start-up is never timed. {@link Team.run} is
 * synchronous: main wakes the workers, sleeps until they are done (taking no CPU from them), and
 * checks that every item arrived once and in each producer's order.
 */
export class Team {
  readonly transport: Transport;
  readonly #control: Control;
  readonly #workers: Worker[];
  readonly #exits: Promise<unknown>[];
  readonly #errorPorts: MessagePort[];
  /** Why the team can no longer run; it is then terminated. */
  #broken: Error | undefined;

  private constructor(transport: Transport, control: Control, workers: Worker[], errorPorts: MessagePort[]) {
    this.transport = transport;
    this.#control = control;
    this.#workers = workers;
    this.#errorPorts = errorPorts;
    this.#exits = workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve)));
    for (const worker of workers) {
      // Without a listener an uncaught error in a worker would crash the CLI.
      worker.on('error', (error) => this.#breakDown(error));
    }
  }

  /**
   * Starts the workers of `workerUrl` (the built `workers/lfqueue-worker.js`) on a new transport and
   * resolves once every one is attached and waiting.
   */
  static async start(workerUrl: URL, transport: Transport, capacity: number): Promise<Team> {
    const control = Control.create(WORKERS);
    const queue = createQueue(transport, capacity);
    // postMessage gets one channel per pair: producer 2k posts to consumer 2k + 1.
    const pairPorts = queue
      ? []
      : Array.from({ length: MAX_PAIRS }, () => new MessageChannel()).flatMap((c) => [c.port1, c.port2]);
    const errorPorts: MessagePort[] = [];
    const workers: Worker[] = [];
    for (let index = 0; index < WORKERS; index++) {
      const errors = new MessageChannel();
      errorPorts.push(errors.port1);
      const data: WorkerData = { transport, index, control: control.buffer, errors: errors.port2 };
      const transferList: MessagePort[] = [errors.port2];
      if (queue) data.queue = queue;
      else {
        data.port = pairPorts[index] as MessagePort;
        transferList.push(data.port);
      }
      workers.push(new Worker(workerUrl, { workerData: data, transferList }));
    }
    const team = new Team(transport, control, workers, errorPorts);
    try {
      await Promise.all(workers.map(whenReady));
    } catch (error) {
      team.#breakDown(error);
      await team.close();
      throw error;
    }
    return team;
  }

  /**
   * Moves `items` items (0 … items − 1) from `pairs` producers to `pairs` consumers, and returns the
   * queue counters of the run.
   *
   * @throws when a worker failed, a run took longer than a minute, or an item was lost, duplicated
   * or reordered; the team is then terminated and every later run throws too.
   */
  run(pairs: number, items: number): RunStats {
    if (this.#broken) {
      throw new Error(`${this.transport} workers stopped after an earlier failure: ${this.#broken.message}`);
    }
    const { ints } = this.#control;
    ints[PAIRS] = pairs;
    ints[ITEMS_PER_PRODUCER] = items / pairs;
    ints[FAILED] = 0;
    ints[DONE] = 0;
    ints[PRODUCERS_LEFT] = pairs;
    ints[COMMAND] = RUN;
    Atomics.add(ints, GENERATION, 1);
    Atomics.notify(ints, GENERATION);
    this.#awaitDone(`${pairs}P/${pairs}C`);
    return this.#tally(pairs, items);
  }

  /** Stops the workers and resolves when they have exited (terminating any that do not). */
  async close(): Promise<void> {
    if (!this.#broken) {
      const { ints } = this.#control;
      ints[COMMAND] = STOP;
      Atomics.add(ints, GENERATION, 1);
      Atomics.notify(ints, GENERATION);
    }
    await Promise.all(
      this.#workers.map(async (worker, index) => {
        const timer = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS);
        await this.#exits[index];
        clearTimeout(timer);
      }),
    );
    for (const port of this.#errorPorts) port.close();
  }

  #awaitDone(what: string): void {
    const { ints } = this.#control;
    const deadline = performance.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const done = Atomics.load(ints, DONE);
      // A failed worker may leave its partner waiting forever: stop at once.
      if (Atomics.load(ints, FAILED) !== 0) throw this.#breakDown(this.#workerErrors(what));
      if (done === WORKERS) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw this.#breakDown(
          new Error(`${this.transport} ${what}: run not done after ${RUN_TIMEOUT_MS} ms`),
        );
      }
      Atomics.wait(ints, DONE, done, left);
    }
  }

  #workerErrors(what: string): Error {
    const messages = this.#errorPorts
      .map((port) => receiveMessageOnPort(port)?.message as string | undefined)
      .filter((message) => message !== undefined);
    return new Error(`${this.transport} ${what}: ${messages.join('\n') || 'a worker failed'}`);
  }

  /** Sums the workers' rows and checks that the consumers got every item exactly once, in order. */
  #tally(pairs: number, items: number): RunStats {
    const { results } = this.#control;
    const stats: RunStats = { operations: 0, casFailures: 0, fixLists: 0, pauses: 0 };
    let received = 0;
    let sum = 0;
    let outOfOrder = 0;
    for (let row = 0; row < results.length; row += ROW) {
      stats.operations += results[row + OPERATIONS] as number;
      stats.casFailures += results[row + CAS_FAILURES] as number;
      stats.fixLists += results[row + FIX_LISTS] as number;
      stats.pauses += results[row + PAUSES] as number;
      received += results[row + RECEIVED] as number;
      sum += results[row + SUM] as number;
      outOfOrder += results[row + OUT_OF_ORDER] as number;
    }
    const expectedSum = (items * (items - 1)) / 2;
    if (received !== items || sum !== expectedSum || outOfOrder !== 0) {
      throw this.#breakDown(
        new Error(
          `${this.transport} ${pairs}P/${pairs}C: consumers received ${received} of ${items} items ` +
            `(sum ${sum}, expected ${expectedSum}), ${outOfOrder} out of their producer's order`,
        ),
      );
    }
    return stats;
  }

  /** Marks the team unusable and terminates its workers; returns the reason. */
  #breakDown(reason: unknown): Error {
    const error = reason instanceof Error ? reason : new Error(String(reason));
    if (!this.#broken) {
      this.#broken = error;
      for (const worker of this.#workers) void worker.terminate();
    }
    return error;
  }
}

function createQueue(transport: Transport, capacity: number): SharedArrayBuffer | undefined {
  if (transport === 'LMSQueue') return LMSQueue.create({ capacity }).buffer;
  if (transport === 'MSQueue') return MSQueue.create({ capacity }).buffer;
  if (transport === 'LockedQueue') return LockedQueue.create({ capacity }).buffer;
  return undefined;
}

/** Resolves on the worker's first message ('ready'); rejects if it fails or exits before. */
function whenReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
  });
}
