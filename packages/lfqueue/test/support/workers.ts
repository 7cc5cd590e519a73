import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeAll } from 'vitest';
import { LMSQueue, MSQueue } from '../../src/index.js';

/** Both queues, for `describe.each`: the name a worker picks its queue by, and the class. */
export const kinds = [
  ['LMSQueue', LMSQueue],
  ['MSQueue', MSQueue],
] as const;

const dist = new URL('../../dist/index.js', import.meta.url);

/**
 * For a test file whose workers run the built package (Node 20 cannot load TypeScript in a worker):
 * fails the file at once when packages/lfqueue/dist is missing, and terminates after each test the
 * workers it left running. Returns `start`, which runs the worker `file` and resolves with its one
 * report once it has exited cleanly.
 */
export function useWorkers() {
  const running: Worker[] = [];

  beforeAll(() => {
    if (!existsSync(dist)) {
      throw new Error(`${fileURLToPath(dist)} is missing: build the package (npx tsup in packages/lfqueue)`);
    }
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((worker) => worker.terminate()));
  });

  return function start<T>(file: URL, workerData: Record<string, unknown>): Promise<T> {
    const worker = new Worker(file, { workerData });
    running.push(worker);
    return new Promise<T>((resolve, reject) => {
      let report: T | undefined;
      worker.once('message', (message: T) => {
        report = message;
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (report !== undefined && code === 0) resolve(report);
        else {
          const name = basename(fileURLToPath(file));
          reject(
            new Error(`${name} exited with code ${code} and ${report === undefined ? 'no' : 'a'} report`),
          );
        }
      });
    });
  };
}
