import type { PortableRequest } from './portable.js';

/** What the group sends a worker's scheduler. */
export type ToWorker =
  | { t: 'spawn'; request: PortableRequest }
  /** Give back up to `count` portable tasks that have not started, or migratable ones. */
  | { t: 'shed'; count: number };

/** What a worker's scheduler sends the group (scheduler 0's inbox). */
export type ToGroup =
  | { t: 'done'; id: number; ok: true; value: unknown }
  | { t: 'done'; id: number; ok: false; error: unknown }
  | { t: 'shed'; from: number; requests: PortableRequest[] };

/** What a worker thread is started with. */
export interface WorkerData {
  index: number;
  heap: SharedArrayBuffer;
  /** Inbox buffers: 0 is the group's, `index` this worker's own. */
  inboxes: SharedArrayBuffer[];
  table: SharedArrayBuffer;
  maxSlicesPerTurn: number | undefined;
  maxTurnMs: number | undefined;
}
