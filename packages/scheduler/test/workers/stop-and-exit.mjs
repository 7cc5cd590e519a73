// Starts a group, runs a task on a worker, stops: the process must then exit by itself.
import { startSchedulers } from '../../dist/index.js';

// Bad options are refused before anything starts: nothing of this one may keep the process alive.
try {
  startSchedulers({ count: 1, services: [{}] });
} catch {}
const group = startSchedulers({ count: 2 });
const value = await group.spawnPortable(
  { module: new URL('./tasks.mjs', import.meta.url).href, name: 'sum', args: [10] },
  { affinity: 1 },
);
await group.stop();
console.log(value, 'stopped');
