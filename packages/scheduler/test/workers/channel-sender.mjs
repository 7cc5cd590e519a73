// Sends `count` numbered messages to receiver 0 over the cross-core channel, in runs of random
// length (each run one batch), then waits until nothing is held back and says so.
import { parentPort, workerData } from 'node:worker_threads';
import { Channel } from '../../dist/index.js';

const { heap, inboxes, sender, count } = workerData;
const channel = new Channel(heap, inboxes);
let seq = 0;
/** Runs after which some of what was sent waited for room: the backpressure under test. */
let heldBack = 0;

function run() {
  const length = 1 + Math.floor(Math.random() * 200);
  for (let i = 0; i < length && seq < count; i++, seq++) {
    channel.send(0, { sender, seq, pad: 'x'.repeat(seq % 64) });
  }
  channel.flush();
  if (channel.pending > 0) heldBack++;
  if (seq < count) setImmediate(run);
  else waitUntilSent();
}

function waitUntilSent() {
  if (channel.flush()) parentPort.postMessage({ heldBack });
  else setTimeout(waitUntilSent, 1);
}

run();
