// Starts a system on every core, with processes waiting, sleeping and looping, then stops it: the
// process must then exit by itself.
import { receive, sleep, spawn, start } from '../../dist/index.js';
import { echo, idle } from './procs.mjs';

const system = await start();
spawn(function* () {
  yield* sleep(60_000);
});
spawn(function* () {
  for (;;) yield;
});
spawn(idle, [
  spawn(function* () {
    yield* receive();
  }),
]);
const pid = spawn(echo, []);
const [text] = await system.ask(pid, (me) => [me, 'hello']);
await system.stop();
console.log(text, 'stopped');
