// A storm of crashes nobody hears of: 1,000 processes on one core that throw at once. The runtime
// reports the first of them and counts the rest; the count comes when the second is over.
import { isAlive, spawn, start } from '../../dist/index.js';
import { throwAtOnce } from './procs.mjs';

const system = await start({ schedulers: 1 });
const pids = [];
for (let i = 0; i < 1000; i++) pids.push(spawn(throwAtOnce, [`storm ${i}`]));
for (const pid of pids) while (isAlive(pid)) await new Promise((ok) => setTimeout(ok, 5));
await new Promise((ok) => setTimeout(ok, 1200));
await system.stop();
