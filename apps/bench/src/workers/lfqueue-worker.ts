/**
 * A worker of a `Team` (src/threads/team.ts): attaches to its transport, says it is ready, then sleeps until main
 * starts a run, does its part (produce or consume), reports and sleeps again, until main says stop.
 *
 * @packageDocumentation
 */

import { parentPort, workerData } from 'node:worker_threads';
import { PortChannel } from '../baselines/port-channel.js';
import { Control, emptyReport, type WorkerReport } from '../threads/control.js';
import { pauseCount } from '../threads/patience.js';
import { QUEUES } from '../threads/queues.js';
import { type Channel, consume, endRun, produce } from '../threads/transfer.js';
import type { WorkerData } from '../threads/worker-data.js';

const data = workerData as WorkerData;
const control = new Control(data.control);
const isProducer = data.index % 2 === 0;
const channel = openChannel(data);
const pair = data.index >> 1;

function openChannel({ transport, queue, port }: WorkerData): Channel {
  if (transport === 'postMessage') return new PortChannel(port as NonNullable<typeof port>);
  // Producers stream items, the case `batchEnqueues` is for: both lock-free queues take it (the
  // locked ring has no node pool, and no options).
  return QUEUES[transport].attach(queue as SharedArrayBuffer, { batchEnqueues: isProducer });
}

/** This worker's part of one run. */
function runPart(pairs: number): WorkerReport {
  const before = channel.counters?.();
  const pausesBefore = pauseCount();
  const report = emptyReport();
  if (isProducer) {
    produce(channel, pair, pairs, control.itemsPerProducer());
    if (data.transport === 'postMessage') endRun(channel, 1);
    // On a shared queue the last producer ends the run, so every END is behind every item.
    else if (control.lastProducerDone()) endRun(channel, pairs);
  } else {
    const received = consume(channel, pairs);
    report.received = received.count;
    report.sum = received.sum;
    report.outOfOrder = received.outOfOrder;
  }
  report.pauses = pauseCount() - pausesBefore;
  // Only the queues keep counters; the other transports report zero.
  const after = channel.counters?.();
  if (before && after) {
    report.operations = after.operations - before.operations;
    report.casFailures = after.casFailures - before.casFailures;
    report.fixLists = after.fixLists - before.fixLists;
  }
  return report;
}

function serve(): void {
  let generation = 0;
  for (;;) {
    const next = control.awaitSignal(generation);
    if (next === undefined) return;
    generation = next;
    const pairs = control.pairs();
    let report = emptyReport();
    // Workers outside this run report done as well: main then changes the parameters only once every
    // worker has read them.
    if (pair < pairs) {
      try {
        report = runPart(pairs);
      } catch (error) {
        // Posted first: main reads the port as soon as it sees the run failed.
        data.errors.postMessage(
          `worker ${data.index}: ${error instanceof Error ? error.stack : String(error)}`,
        );
        control.fail();
      }
    }
    control.finish(data.index, report);
  }
}

parentPort?.postMessage('ready');
serve();
// Nothing else may keep the thread alive, so that it exits and so can the CLI.
data.port?.close();
data.errors.close();
