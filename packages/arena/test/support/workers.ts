import { Worker } from 'node:worker_threads';

const running: Worker[] = [];

/**
 * Starts the worker at `url` and resolves with the one report it posts, once it has exited cleanly;
 * rejects on an uncaught error, on an exit without a report, or on a non-zero exit code.
 */
export function runWorker<T>(url: URL, workerData: unknown): Promise<T> {
  const worker = new Worker(url, { workerData });
  running.push(worker);
  return new Promise<T>((resolve, reject) => {
    let report: { value: T } | undefined;
    worker.once('message', (message: T) => {
      report = { value: message };
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${url.pathname} exited with code ${code}`));
      else if (report === undefined) reject(new Error(`worker ${url.pathname} exited without a report`));
      else resolve(report.value);
    });
  });
}

/** Terminates every worker still running (for `afterEach`). */
export async function terminateWorkers(): Promise<void> {
  await Promise.all(running.splice(0).map((worker) => worker.terminate()));
}
