/**
 * @beamish/lfqueue — the Ladan-Mozes & Shavit optimistic lock-free FIFO queue over shared memory,
 * the Michael & Scott queue it improves on, and a doorbell for consumers that sleep.
 *
 * @packageDocumentation
 */
export { Doorbell, type WaitResult } from './doorbell.js';
export { MAX_CAPACITY, MAX_VALUE } from './layout.js';
export { LMSQueue } from './lms-queue.js';
export { MSQueue } from './ms-queue.js';
export { type HandleOptions, type QueueCounters, type QueueOptions, SharedQueue } from './shared-queue.js';
