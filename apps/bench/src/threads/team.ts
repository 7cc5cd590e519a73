import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { Control, type RunStats } from './control.js';
import { QUEUES } from './queues.js';
import { END } from './transfer.js';
import type { Transport, WorkerData } from './worker-data.js';

/** Enough workers for 2 producers and 2 consumers; a 1P/1C run uses the first two. */
const MAX_PAIRS = 2;
const WORKERS = 2 * MAX_PAIRS;
/** A run this long means a worker is stuck (a lost END, a livelock): fail instead of hanging the CLI. */
const RUN_TIMEOUT_MS = 60_000;
/** How long `close` lets a worker finish before terminating it. */
const EXIT_GRACE_MS = 5_000;

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
    const queue = transport === 'postMessage' ? undefined : QUEUES[transport].create({ capacity }).buffer;
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
   * @throws RangeError when `pairs` is not an integer from 1 to 2 or `items` not a positive multiple
   * of `pairs` up to 2^31 − 1 (the team stays usable).
   * @throws when a worker failed, a run took longer than a minute, or an item was lost, duplicated
   * or reordered; the team is then terminated and every later run throws too.
   */
  run(pairs: number, items: number): RunStats {
    if (!(Number.isInteger(pairs) && pairs >= 1 && pairs <= MAX_PAIRS)) {
      throw new RangeError(`pairs must be an integer from 1 to ${MAX_PAIRS}, got ${pairs}`);
    }
    // Items are 0 … items − 1, every one below the END marker.
    if (!(Number.isInteger(items) && items > 0 && items <= END && items % pairs === 0)) {
      throw new RangeError(
        `items must be a positive multiple of pairs (${pairs}) up to ${END}, got ${items}`,
      );
    }
    if (this.#broken) {
      throw new Error(`${this.transport} workers stopped after an earlier failure: ${this.#broken.message}`);
    }
    this.#control.startRun(pairs, items / pairs);
    this.#awaitDone(pairs);
    return this.#tally(pairs, items);
  }

  /** Stops the workers and resolves when they have exited (terminating any that do not). */
  async close(): Promise<void> {
    if (!this.#broken) this.#control.stop();
    await Promise.all(
      this.#workers.map(async (worker, index) => {
        const timer = setTimeout(() => void worker.terminate(), EXIT_GRACE_MS);
        await this.#exits[index];
        clearTimeout(timer);
      }),
    );
    for (const port of this.#errorPorts) port.close();
  }

  #awaitDone(pairs: number): void {
    const control = this.#control;
    const deadline = performance.now() + RUN_TIMEOUT_MS;
    for (;;) {
      const done = control.done();
      // A failed worker may leave its partner waiting forever: stop at once.
      if (control.failed()) throw this.#breakDown(this.#workerErrors(pairs));
      if (done === WORKERS) return;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw this.#breakDown(new Error(`${this.#runName(pairs)}: run not done after ${RUN_TIMEOUT_MS} ms`));
      }
      control.waitDone(done, left);
    }
  }

  #workerErrors(pairs: number): Error {
    const messages = this.#errorPorts
      .map((port) => receiveMessageOnPort(port)?.message as string | undefined)
      .filter((message) => message !== undefined);
    return new Error(`${this.#runName(pairs)}: ${messages.join('\n') || 'a worker failed'}`);
  }

  /** Sums the workers' rows and checks that the consumers got every item exactly once, in order. */
  #tally(pairs: number, items: number): RunStats {
    const total = this.#control.sumRows();
    const { received, sum, outOfOrder } = total;
    const expectedSum = (items * (items - 1)) / 2;
    if (received !== items || sum !== expectedSum || outOfOrder !== 0) {
      throw this.#breakDown(
        new Error(
          `${this.#runName(pairs)}: consumers received ${received} of ${items} items ` +
            `(sum ${sum}, expected ${expectedSum}), ${outOfOrder} out of their producer's order`,
        ),
      );
    }
    return total;
  }

  /** E.g. `MSQueue 2P/2C`, for error messages only: built when one is thrown, not on every run. */
  #runName(pairs: number): string {
    return `${this.transport} ${pairs}P/${pairs}C`;
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

/** Resolves on the worker's first message ('ready'); rejects if it fails or exits before. */
function whenReady(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
  });
}
