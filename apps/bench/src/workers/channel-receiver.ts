/**
 * The receiving end of the scheduler suite's channel case: counts the messages that reach it, checks
 * they arrive in the order sent, and reports to the main thread at each end-of-run marker. Over the
 * cross-core `Channel` it sleeps on its inbox's doorbell; over `postMessage` it takes `'message'`
 * events, the way a worker usually receives.
 *
 * @packageDocumentation
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Channel } from '@beamish/scheduler';
import type { ChannelMessage, ReceiverData, ReceiverReport } from '../threads/channel-messages.js';

const data = workerData as ReceiverData;
const port = parentPort as NonNullable<typeof parentPort>;
let received = 0;
let outOfOrder = 0;
let running = true;

function deliver(message: unknown): void {
  const m = message as ChannelMessage;
  if (m.kind === 'item') {
    if (m.seq !== received) outOfOrder++;
    received++;
    return;
  }
  if (m.kind === 'stop') running = false;
  else port.postMessage({ received, outOfOrder } satisfies ReceiverReport);
  received = 0;
  outOfOrder = 0;
}

if (data.transport === 'postMessage') {
  port.on('message', deliver);
} else {
  const channel = new Channel(data.heap as SharedArrayBuffer, data.inboxes as SharedArrayBuffer[]);
  const bell = channel.doorbell(1);
  while (running) {
    const ticket = bell.prepare();
    if (channel.depth(1) === 0) bell.wait(ticket);
    else bell.cancel();
    channel.drain(1, deliver);
  }
}
