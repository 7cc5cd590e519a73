import { once } from 'node:events';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import {
  type ActorSystem,
  call,
  type Pid,
  receive,
  self,
  send,
  spawn,
  start,
  startServer,
  startSupervisor,
} from '@beamish/actors';
import type { BenchCase, Suite } from '../suite.js';
import { WorkerSet } from '../threads/worker-set.js';
import { lookup, lookupLoop, REQUEST, restarter } from '../workers/servers-procs.js';

let system: ActorSystem | undefined;
const workers = new WorkerSet(import.meta.url);
const ports: MessagePort[] = [];

/** Runs `body` as a process on core 0 and resolves with its value. */
const run = <T>(body: () => Generator<unknown, T, unknown>): Promise<T> => (system as ActorSystem).run(body);

/** `count` calls, one after the other, from a process on core 0. */
const calls = (server: Pid, count: number) =>
  run(function* () {
    for (let i = 0; i < count; i++) yield* call(server, REQUEST);
  });

/** The next message a worker or port posts. */
const nextMessage = (from: Worker | MessagePort) => new Promise((resolve) => from.once('message', resolve));

/** `count` requests posted to `to`, one after the other, each awaiting its answer: the baseline of `calls`. */
async function postRoundTrips(to: Worker | MessagePort, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const reply = nextMessage(to);
    to.postMessage(REQUEST);
    await reply;
  }
}

async function sameCoreVsSendCase(count: number): Promise<BenchCase> {
  const server = await startServer(lookup, [], { affinity: 0 });
  const loop = spawn(lookupLoop, [], { affinity: 0 });
  return {
    name: `call on one core, ${count.toLocaleString('en')} round trips`,
    unit: 'ns/op',
    baselineName: 'the same request with send and receive',
    opsPerCall: count,
    ours: () => calls(server, count),
    baseline: () =>
      run(function* () {
        const me = self();
        for (let i = 0; i < count; i++) {
          send(loop, [me, REQUEST]);
          yield* receive();
        }
      }),
  };
}

async function sameCoreVsChannelCase(count: number): Promise<BenchCase> {
  const server = await startServer(lookup, [], { affinity: 0 });
  const { port1, port2 } = new MessageChannel();
  ports.push(port1, port2);
  const table = new Map([['k', 42]]);
  port2.on('message', (request: typeof REQUEST) => port2.postMessage(table.get(request[1])));
  return {
    name: `call on one core, ${count.toLocaleString('en')} round trips (vs postMessage)`,
    unit: 'ns/op',
    baselineName: 'postMessage over a MessageChannel on the same thread',
    opsPerCall: count,
    ours: () => calls(server, count),
    baseline: () => postRoundTrips(port1, count),
  };
}

async function acrossCoresCase(count: number): Promise<BenchCase> {
  const server = await startServer(lookup, [], { affinity: 1 });
  const worker = workers.start('lookup-port');
  await nextMessage(worker); // 'up'
  return {
    name: `call across cores, ${count.toLocaleString('en')} round trips`,
    unit: 'µs/op',
    baselineName: 'postMessage to a worker and back',
    opsPerCall: count,
    ours: () => calls(server, count),
    baseline: () => postRoundTrips(worker, count),
    // No target of its own: DESIGN.md's ≥ 10× is for a bare ping-pong (the actors suite); a call
    // adds a monitor, a tagged reply and a demonitor.
  };
}

/**
 * A child under a supervisor on core 0, on `core`, crashed and restarted: from the crash to its
 * new `init` having run (it tells an observer, which resolves the sample). The baseline replaces a
 * crashed worker thread: from its crash to the new worker's first message.
 */
async function restartCase(core: number): Promise<BenchCase> {
  let upped: (pid: Pid) => void = () => {};
  const observer = spawn(function* () {
    for (;;) {
      const [, pid] = (yield* receive()) as ['up', Pid];
      upped(pid);
    }
  });
  const firstUp = new Promise<Pid>((resolve) => {
    upped = resolve;
  });
  await startSupervisor(restarter, [observer, core], { affinity: 0 });
  let child = await firstUp;
  let worker = workers.start('lookup-port');
  await nextMessage(worker);
  return {
    name: `restart a crashed child, ${core === 0 ? "on the supervisor's core" : 'on another core'}`,
    unit: 'µs/op',
    baselineName: 'replace a crashed worker thread',
    ours: () =>
      new Promise<void>((resolve) => {
        upped = (pid) => {
          child = pid;
          resolve();
        };
        send(child, 'crash');
      }),
    baseline: async () => {
      const exited = once(worker, 'exit');
      worker.postMessage('crash');
      await exited;
      worker = workers.start('lookup-port');
      await nextMessage(worker);
    },
  };
}

const suite: Suite = {
  name: 'servers',
  description: 'gen_server calls on one core and across cores, and supervisor restarts, next to postMessage',
  cases: async ({ quick }) => {
    // Every server is started with an affinity: rebalancing leaves it where it was placed.
    system = await start({ schedulers: 2 });
    return [
      await sameCoreVsSendCase(quick ? 20_000 : 200_000),
      await sameCoreVsChannelCase(quick ? 2_000 : 20_000),
      await acrossCoresCase(quick ? 2_000 : 10_000),
      await restartCase(0),
      await restartCase(1),
    ];
  },
  dispose: async () => {
    for (const port of ports.splice(0)) port.close();
    await workers.close();
    await system?.stop();
    system = undefined;
  },
};

export default suite;
