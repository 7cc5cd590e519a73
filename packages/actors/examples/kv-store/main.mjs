// A supervised key-value store with a rate limiter in front of it:
// `node packages/actors/examples/kv-store/main.mjs` after `npm run build`.
import { call, start, startSupervisor, stopServer, whereis, whichChildren } from '@beamish/actors';
import { kvApp } from './app.mjs';

const system = await start({ schedulers: 2 });
const app = await startSupervisor(kvApp, [{ capacity: 100, perSecond: 1, burst: 3 }], { name: 'kv-app' });

// Calls from outside any process are awaited; inside a process they are `yield*`-ed.
console.log('alice put colour=blue:', await call('limiter', ['alice', 'put', 'colour', 'blue']));
console.log('alice get colour:', await call('limiter', ['alice', 'get', 'colour']));

const burst = await Promise.all(Array.from({ length: 5 }, () => call('limiter', ['bob', 'get', 'colour'])));
console.log('bob, 5 requests at once:', burst.join(' '));

// Straight to the store, by its registered name: a request that crashes it.
const [store, limiter] = [whereis('kv'), whereis('limiter')];
await call('kv', ['poison']).catch((error) => console.log('poison:', error.message));

// The supervisor is linked to its children: it hears the store die, and restarts it and the limiter.
const replaced = (name, old) => ![undefined, old].includes(whereis(name));
while (!replaced('kv', store) || !replaced('limiter', limiter))
  await new Promise((resolve) => setTimeout(resolve, 1));
console.log('the supervisor restarted the store, then the limiter started after it');
console.log(
  'the new store starts empty: alice get colour:',
  await call('limiter', ['alice', 'get', 'colour']),
);

const children = await whichChildren(app);
console.log(
  'children:',
  children.map(({ id, pid }) => `${id} ${pid === undefined ? 'stopped' : 'running'}`).join(', '),
);

await stopServer(app); // stops the limiter, then the store, then the supervisor
await system.stop();
console.log('stopped');
