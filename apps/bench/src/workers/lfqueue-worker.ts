/**
 * A worker of a `Team` (src/threads/team.ts): attaches to its transport, says it is ready, then sleeps until main
 * starts a run, does its part (produce or consume), reports and sleeps again, until main says stop.
 *
 * @packageDocumentation
 */

import { parentPort, workerData } from 'node:worker_threads';
import { LMSQueue, MSQueue } from '@beamish/lfqueue';
import { LockedQueue } from '../baselines/locked-queue.js';
import { PortChannel } from '../baselines/port-channel.js';
import {
  CAS_FAILURES,
  COMMAND,
  Control,
  DONE,
  FAILED,
  FIX_LISTS,
  GENERATION,
  ITEMS_PER_PRODUCER,
  OPERATIONS,
  OUT_OF_ORDER,
  PAIRS,
  PAUSES,
  PRODUCERS_LEFT,
  RECEIVED,
  ROW,
  STOP,
  SUM,
} from '../threads/control.js';
import { pauseCount } from '../threads/patience.js';
import { type Channel, consume, endRun, produce } from '../threads/transfer.js';
import type { WorkerData } from '../threads/worker-data.js';

const data = workerData as WorkerData;
const { ints, results } = new Control(data.control);
const channel = openChannel(data);
const isProducer = data.index % 2 === 0;
const pair = data.index >> 1;
const row = data.index * ROW;

function openChannel({ transport, queue, port }: WorkerData): Channel {
  if (transport === 'postMessage') return new PortChannel(port as NonNullable<typeof port>);
  const buffer = queue as SharedArrayBuffer;
  if (transport === 'LMSQueue') return LMSQueue.attach(buffer);
  if (transport === 'MSQueue') return MSQueue.attach(buffer);
  return LockedQueue.attach(buffer);
}

/** This worker's part of one run. */
function runPart(pairs: number): void {
  const before = channel.counters?.();
  const pausesBefore = pauseCount();
  if (isProducer) {
    produce(channel, pair, pairs, ints[ITEMS_PER_PRODUCER] as number);
    if (data.transport === 'postMessage') endRun(channel, 1);
    // On a shared queue the last producer ends the run, so every END is behind every item.
    else if (Atomics.sub(ints, PRODUCERS_LEFT, 1) === 1) endRun(channel, pairs);
  } else {
    const received = consume(channel, pairs);
    results[row + RECEIVED] = received.count;
    results[row + SUM] = received.sum;
    results[row + OUT_OF_ORDER] = received.outOfOrder;
  }
  results[row + PAUSES] = pauseCount() - pausesBefore;
  const after = channel.counters?.();
  if (before && after) {
    results[row + OPERATIONS] = after.operations - before.operations;
    results[row + CAS_FAILURES] = after.casFailures - before.casFailures;
    results[row + FIX_LISTS] = after.fixLists - before.fixLists;
  }
}

function serve(): void {
  let generation = 0;
  for (;;) {
    Atomics.wait(ints, GENERATION, generation);
    generation = Atomics.load(ints, GENERATION);
    if (ints[COMMAND] === STOP) return;
    results.fill(0, row, row + ROW);
    const pairs = ints[PAIRS] as number;
    // Workers outside this run report done as well: main then changes the parameters only once every
    // worker has read them.
    if (pair < pairs) {
      try {
        runPart(pairs);
      } catch (error) {
        // Posted first: main reads the port as soon as it sees FAILED.
        data.errors.postMessage(
          `worker ${data.index}: ${error instanceof Error ? error.stack : String(error)}`,
        );
        Atomics.store(ints, FAILED, 1);
      }
    }
    Atomics.add(ints, DONE, 1);
    Atomics.notify(ints, DONE);
  }
}

parentPort?.postMessage('ready');
serve();
// Nothing else may keep the thread alive, so that it exits and so can the CLI.
data.port?.close();
data.errors.close();
