// Crashes on both cores, some heard by a monitor or a caller and some by nobody, then a stop. Prints
// the pids of the unheard crashes; the runtime's reports go to stderr. Argument "off": start with
// reportCrashes: false.
import {
  exit,
  isAlive,
  pidToString,
  receive,
  spawn,
  spawnLink,
  spawnMonitor,
  start,
  trapExit,
} from '../../dist/index.js';
import { throwAtOnce } from './procs.mjs';

const system = await start({ schedulers: 2, reportCrashes: process.argv[2] !== 'off' });
const unheard = [
  spawn(throwAtOnce, ['unheard on core 0'], { affinity: 0 }),
  spawn(throwAtOnce, ['unheard on core 1'], { affinity: 1 }),
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
// A worker's stderr reaches this process's through a port: give it time to arrive before the stop.
await new Promise((ok) => setTimeout(ok, 300));
await system.stop();
console.log(unheard.map(pidToString).join(' '));
