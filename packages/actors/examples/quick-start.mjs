// The README's tour, runnable: `node packages/actors/examples/quick-start.mjs` after `npm run build`.
import { after, isNumber, isString, on, receive, send, spawn, start } from '@beamish/actors';

const system = await start(); // one scheduler per core; 0 runs on this thread

// spawn: a process is a generator function; it starts at once and gets a pid.
const upper = spawn(function* () {
  for (;;) {
    // receive: selective, typed by its patterns; messages that match no clause wait their turn.
    const outcome = yield* receive(
      on([isNumber, isString], ([from, text]) => send(from, text.toUpperCase())),
      on('stop', () => 'stop'),
      after(1000, () => 'idle'),
    );
    if (outcome === 'stop') return;
  }
});

// From outside any process: send, and await a reply with a timeout.
console.log(await system.ask(upper, (me) => [me, 'hello'])); // HELLO
send(upper, 'stop');
await system.stop(); // every process and scheduler ends; nothing keeps Node alive
