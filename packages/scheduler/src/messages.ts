import type { PortableRequest } from './portable.js';
import type { ServiceMessage, ServiceSpec } from './service.js';

/** What the group sends a worker's scheduler. */
export type ToWorker =
  | { t: 'spawn'; request: PortableRequest }
  /** Give back up to `count` portable tasks that have not started, or migratable ones. */
  | { t: 'shed'; count: number }
  | ServiceMessage
  /** Scheduler `index`'s thread died; its replacement reads the same inbox. */
  | { t: 'down'; index: number; cause: unknown };

/** What a worker's scheduler sends the group (scheduler 0's inbox). */
export type ToGroup =
  | { t: 'done'; id: number; ok: true; value: unknown }
  | { t: 'done'; id: number; ok: false; error: unknown }
  | { t: 'shed'; from: number; requests: PortableRequest[] }
  | ServiceMessage
  /** The worker's services are installed: it takes messages from now on. */
  | { t: 'ready'; from: number }
  /** A service failed to install on the worker. */
  | { t: 'failed'; from: number; error: unknown };

/** What a worker thread is started with. */
export interface WorkerData {
  index: number;
  count: number;
  heap: SharedArrayBuffer;
  /** Inbox buffers: 0 is the group's, `index` this worker's own. */
  inboxes: SharedArrayBuffer[];
  table: SharedArrayBuffer;
  maxSlicesPerTurn: number | undefined;
  maxTurnMs: number | undefined;
  maxHandOffsPerSlice: number | undefined;
  spinMs: number;
  services: ServiceSpec[];
  /** The group's `sharedBuffers`. */
  shared: SharedArrayBuffer[];
}
