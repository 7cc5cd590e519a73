import { Worker } from 'node:worker_threads';

/**
 * The worker threads a suite starts in `cases()`, to close in `dispose()`. A worker blocked in
 * `Atomics.wait` cannot be terminated until it wakes, so each may come with a way to ask it to end.
 */
export class WorkerSet {
  readonly #base: string;
  #workers: Worker[] = [];
  #stoppers: Array<() => void> = [];

  /** @param base - the suite's `import.meta.url`: workers are found from the suite's built file. */
  constructor(base: string) {
    this.#base = base;
  }

  /** Starts `dist/workers/<name>.js`; `stop`, if given, asks it to end its loop. */
  start(name: string, workerData?: unknown, stop?: (worker: Worker) => void): Worker {
    const worker = new Worker(new URL(`../workers/${name}.js`, this.#base), { workerData });
    this.#workers.push(worker);
    if (stop !== undefined) this.#stoppers.push(() => stop(worker));
    return worker;
  }

  /** Asks every worker to end, then terminates them all. */
  async close(): Promise<void> {
    const [workers, stoppers] = [this.#workers, this.#stoppers];
    [this.#workers, this.#stoppers] = [[], []];
    for (const stop of stoppers) stop();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
