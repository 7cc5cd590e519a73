// Crashes on both cores, some heard by a monitor or a caller and some by nobody, then a stop. Prints
// the pids of the unheard crashes; the runtime's reports go to stderr. Argument "off": start with
// reportCrashes: false.
import {
  exit,
  isAlive,
  pidToString,
  receive,
  self,
  send,
  sleep,
  spawn,
  spawnLink,
  spawnMonitor,
  start,
  trapExit,
} from '../../dist/index.js';
import {
  crashThread,
  lateDemonitor,
  throwAfter,
  throwAtOnce,
  throwOn,
  throwUnshowable,
  watcher,
} from './procs.mjs';

const system = await start({ schedulers: 2, reportCrashes: process.argv[2] !== 'off' });
const unheard = [
  spawn(throwAtOnce, ['unheard on core 0'], { affinity: 0 }),
  spawn(throwAtOnce, ['unheard on core 1'], { affinity: 1 }),
  spawn(throwUnshowable, [], { affinity: 1 }),
];
const heard = await system.run(function* () {
  trapExit(true);
  const [pid] = spawnMonitor(throwAtOnce, ['monitored on core 1'], { affinity: 1 });
  const linked = spawnLink(throwAtOnce, ['linked on core 1'], { affinity: 1 });
  // biome-ignore lint/correctness/useYield: it ends in its first slice
  const exited = spawn(function* () {
    exit('exited by itself');
  });
  // The DOWN and the EXIT: a monitor or a link held by a process that has ended hears nothing.
  yield* receive();
  yield* receive();
  return [pid, linked, exited];
});
await system
  // biome-ignore lint/correctness/useYield: it ends in its first slice
  .run(function* () {
    throw new Error('awaited by its caller');
  })
  .catch(() => {});
for (const pid of [...unheard, ...heard]) while (isAlive(pid)) await new Promise((ok) => setTimeout(ok, 5));
// A process whose only monitor was held on a core that died: nobody hears of its crash any more.
const orphan = spawn(throwOn, ['unheard on core 0, its watcher gone with core 1'], { affinity: 0 });
await system.run(function* () {
  spawn(watcher, [orphan, self()], { affinity: 1 });
  const [, watching] = yield* receive();
  send(spawn(crashThread, [], { affinity: 1 }), 'go');
  while (isAlive(watching)) yield* sleep(5);
});
send(orphan, 'go');
while (isAlive(orphan)) await new Promise((ok) => setTimeout(ok, 5));
unheard.push(orphan);
// A crash whose only monitor was taken off after it, while its DOWN was on the way: the core that
// drops the DOWN reports it.
const demonitored = spawn(throwAfter, [300, 'unheard on core 0, its monitor taken off as it crashed'], {
  affinity: 0,
});
await system.run(function* () {
  spawn(lateDemonitor, [demonitored, self()], { affinity: 1 });
  yield* receive();
});
unheard.push(demonitored);
// The last crash comes just before the stop, with no turn of this thread's event loop between: a
// report from a worker thread must not depend on one.
const last = spawn(throwAtOnce, ['unheard on core 1 just before the stop'], { affinity: 1 });
unheard.push(last);
await null; // a microtask, not a turn of the event loop: the spawn request goes out
while (isAlive(last));
await system.stop();
console.log(unheard.map(pidToString).join(' '));
