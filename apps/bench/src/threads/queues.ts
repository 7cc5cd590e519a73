import { LMSQueue, MSQueue } from '@beamish/lfqueue';
import { LockedQueue } from '../baselines/locked-queue.js';
import type { Channel } from './transfer.js';
import type { Transport } from './worker-data.js';

/** A queue class in shared memory: main creates the queue, each worker attaches to its buffer. */
interface SharedQueueClass {
  create(options: { capacity: number }): { readonly buffer: SharedArrayBuffer };
  attach(buffer: SharedArrayBuffer, options?: { batchEnqueues?: boolean }): Channel;
}

/** The transports that are queues in shared memory (every one but `postMessage`), by name. */
export const QUEUES: Record<Exclude<Transport, 'postMessage'>, SharedQueueClass> = {
  LMSQueue,
  MSQueue,
  LockedQueue,
};
