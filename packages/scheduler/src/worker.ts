// The entry of every scheduler's worker thread but the first: a Scheduler fed by its inbox, with the
// group's services installed beside it.
import { workerData } from 'node:worker_threads';
import { BATCHES_PER_TURN, Channel } from './channel.js';
import { PortableHost } from './host.js';
import { LoadTable } from './load-table.js';
import type { ToGroup, ToWorker, WorkerData } from './messages.js';
import { Scheduler } from './scheduler.js';
import {
  announceDown,
  deliverAddressed,
  deliverToService,
  installServices,
  isServiceMessage,
  type Service,
  shedFromServices,
} from './service.js';
import { sleepOnInbox } from './sleep-on-inbox.js';

const data = workerData as WorkerData;
const scheduler = new Scheduler({
  maxSlicesPerTurn: data.maxSlicesPerTurn,
  maxTurnMs: data.maxTurnMs,
  maxHandOffsPerSlice: data.maxHandOffsPerSlice,
});
const channel = new Channel(data.heap, data.inboxes, data.shared);
const table = new LoadTable(data.table);

function send(message: ToGroup): void {
  try {
    channel.send(0, message);
  } catch (error) {
    // A result the codec cannot carry: report that instead.
    if (isServiceMessage(message) || message.t !== 'done') throw error;
    channel.send(0, { t: 'done', id: message.id, ok: false, error });
  }
}

const host = new PortableHost(scheduler, (id, outcome) => send({ t: 'done', id, ...outcome }));

function deliver(services: Service[], message: unknown): void {
  const m = message as ToWorker;
  if (isServiceMessage(m)) {
    deliverToService(services, m);
    return;
  }
  switch (m.t) {
    case 'spawn':
      host.start(m.request);
      return;
    case 'shed': {
      const requests = host.shed(m.count);
      shedFromServices(services, m.count - requests.length);
      send({ t: 'shed', from: data.index, requests });
      return;
    }
    case 'down':
      announceDown(services, m.index, m.cause);
  }
}

const parts = { index: data.index, count: data.count, scheduler, channel, table };
installServices(data.services, parts).then(
  (services) => {
    const take = (message: unknown, service: number, address: number) => {
      if (service >= 0) deliverAddressed(services, service, address, message);
      else deliver(services, message);
    };
    scheduler.poll = () => {
      channel.drain(data.index, take, BATCHES_PER_TURN);
      table.publish(data.index, scheduler);
    };
    const { idle } = sleepOnInbox(scheduler, channel, data.index, data.spinMs);
    scheduler.onIdle = () => {
      // Fresh counters for whoever reads the table while this scheduler sleeps.
      table.publish(data.index, scheduler);
      idle();
    };
    send({ t: 'ready', from: data.index });
    scheduler.wake();
  },
  (error) => send({ t: 'failed', from: data.index, error }),
);
