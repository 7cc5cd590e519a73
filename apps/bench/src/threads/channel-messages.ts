/** What the scheduler suite's channel case sends, over the `Channel` or over `postMessage`. */
export type ChannelMessage =
  /** A message shaped like an actor's: a sequence number, an address and a small body. */
  | { kind: 'item'; seq: number; to: number; body: [string, string, number] }
  /** End of a run: the receiver reports what it counted and starts counting again. */
  | { kind: 'end' }
  /** The receiver's loop ends, and with it the worker. */
  | { kind: 'stop' };

/** The `workerData` of `workers/channel-receiver.js`. */
export interface ReceiverData {
  transport: 'Channel' | 'postMessage';
  /** For the `Channel`: the shared heap and the inboxes, the receiver's being 1. */
  heap?: SharedArrayBuffer;
  inboxes?: SharedArrayBuffer[];
}

/** What the receiver posts at the end of each run. */
export interface ReceiverReport {
  received: number;
  outOfOrder: number;
}
