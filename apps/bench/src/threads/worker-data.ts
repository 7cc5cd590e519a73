import type { MessagePort } from 'node:worker_threads';

/** What a team moves items through. Each team's workers only ever use one, so their code stays monomorphic. */
export type Transport = 'LMSQueue' | 'MSQueue' | 'LockedQueue' | 'postMessage';

/** The `workerData` of a team's worker. */
export interface WorkerData {
  transport: Transport;
  /** Even: producer of pair `index / 2`; odd: its consumer. */
  index: number;
  /** The `Control` block's buffer. */
  control: SharedArrayBuffer;
  /** The queue's buffer, for the queue transports. */
  queue?: SharedArrayBuffer;
  /** For `postMessage`: this worker's end of its pair's channel. */
  port?: MessagePort;
  /** Where the worker posts an error that ended its part of a run; main reads it synchronously. */
  errors: MessagePort;
}
