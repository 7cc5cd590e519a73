// The proposal ("Erlang style processes in Common Lisp", 2015), point by point, written with
// cl-style. Run it after `npm run build`: node packages/cl-style/examples/proposal.mjs
import { heap, isAlive, start } from '@beamish/actors';
import { _, doTimes, loop, receive, send, unwindProtect, withWorker } from '@beamish/cl-style';
import { bumper } from './placed.mjs';

// 4. One scheduler per core: 0 runs on this thread, 1 on a worker thread. (6. Memory that every
// core may reach is given at start.)
const counts = new Int32Array(new SharedArrayBuffer(4));
const system = await start({ schedulers: 2, sharedBuffers: [counts.buffer] });

// 2 and 3. WITH-WORKER: each worker's forms are time slices, taken round-robin with every other
// worker on the same core. Here each worker is one doTimes form: one slice per round.
const turns = [];
const counter = (name) =>
  withWorker(
    { name },
    doTimes(3, (i) => turns.push(`${name}${i}`)),
    () => name,
  );
const names = await Promise.all([counter('ant'), counter('bee'), counter('cat')]);
console.log(`${names.join(', ')} took turns: ${turns.join(' ')}`);

// 5. Messages are copied unless the sender asks to share; sharing hands over the very object on
// the same core.
const box = { n: 0 };
const bump = () => withWorker({}, receive([_, (sent) => ++sent.n]));
const copied = bump();
send(copied, box);
console.log(`copy: the worker's box says ${await copied}, ours still ${box.n}`);
const shared = bump();
send(shared, box, { mode: 'share' });
console.log(`share: the worker's box says ${await shared}, and so does ours: ${box.n}`);

// 4. An affinity hint: a worker defined with defworker starts where it is asked to. Across cores an
// object is copied whatever the mode; a view on memory every core has travels by reference.
const remote = bumper.start({ affinity: 1 });
send(remote, box, { mode: 'share' });
const { n, core } = await remote;
console.log(`share across cores: the worker on core ${core} says ${n}, ours still ${box.n}`);
const viaMemory = bumper.start({ affinity: 1 });
send(viaMemory, counts, { mode: 'share' });
console.log(
  `share of shared memory across cores: the worker says ${(await viaMemory).n}, ours too: ${counts[0]}`,
);

// 1. A private heap per worker: past maxHeapSize the worker ends, its heap goes back in one step,
// and its cleanup forms run however it ends (UNWIND-PROTECT).
const hog = withWorker(
  { maxHeapSize: 64 * 1024 },
  unwindProtect(
    loop(() => heap().f64(1024)), // 8 KiB a slice, for ever
    () => console.log('hog: cleanup forms ran'),
  ),
);
try {
  await hog;
} catch (error) {
  console.log(`hog: ended with ${error.reason}; alive: ${isAlive(hog.pid)}`);
}

await system.stop();
