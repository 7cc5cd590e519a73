// The entry of every scheduler's worker thread but the first: a Scheduler fed by its inbox.
import { workerData } from 'node:worker_threads';
import { Channel } from './channel.js';
import { PortableHost } from './host.js';
import { LoadTable } from './load-table.js';
import type { ToGroup, ToWorker, WorkerData } from './messages.js';
import { Scheduler } from './scheduler.js';
import { sleepOnInbox } from './sleep-on-inbox.js';

const data = workerData as WorkerData;
const scheduler = new Scheduler({ maxSlicesPerTurn: data.maxSlicesPerTurn, maxTurnMs: data.maxTurnMs });
const channel = new Channel(data.heap, data.inboxes);
const table = new LoadTable(data.table);

function send(message: ToGroup): void {
  try {
    channel.send(0, message);
  } catch (error) {
    // A result the codec cannot carry: report that instead.
    if (message.t !== 'done') throw error;
    channel.send(0, { t: 'done', id: message.id, ok: false, error });
  }
}

const host = new PortableHost(scheduler, (id, outcome) => send({ t: 'done', id, ...outcome }));

function deliver(message: unknown): void {
  const m = message as ToWorker;
  if (m.t === 'spawn') host.start(m.request);
  else send({ t: 'shed', from: data.index, requests: host.shed(m.count) });
}

scheduler.poll = () => {
  channel.drain(data.index, deliver);
  table.publish(data.index, scheduler.stats());
};
const sleep = sleepOnInbox(scheduler, channel, data.index);
scheduler.onIdle = () => {
  // Fresh counters for whoever reads the table while this scheduler sleeps.
  table.publish(data.index, scheduler.stats());
  sleep();
};
scheduler.wake();
