// Two tasks share one thread, a slice each in turn. Run with
// `node packages/scheduler/examples/quick-start.mjs` after `npm run build`.
import { Scheduler, sleep } from '@beamish/scheduler';

const scheduler = new Scheduler();
const log = [];
const worker = (name) =>
  function* () {
    for (let i = 0; i < 3; i++) {
      log.push(`${name}${i}`);
      yield; // the end of a slice: the other tasks on this thread run
    }
    yield* sleep(5); // sleeps without holding up anyone
    return name;
  };
const results = await Promise.all([scheduler.spawn(worker('a')), scheduler.spawn(worker('b'))]);
console.log(log.join(' '), results); // a0 b0 a1 b1 a2 b2 [ 'a', 'b' ]
