// Starts a group, runs a task on a worker, stops: the process must then exit by itself.
import { startSchedulers } from '../../dist/index.js';

const group = startSchedulers({ count: 2 });
const value = await group.spawnPortable(
  { module: new URL('./tasks.mjs', import.meta.url).href, name: 'sum', args: [10] },
  { affinity: 1 },
);
await group.stop();
console.log(value, 'stopped');
