import { SharedHeap } from './packages/arena/dist/index.js';
import { LMSQueue } from './packages/lfqueue/dist/index.js';
import { Channel, Encoder, Decoder } from './packages/scheduler/dist/index.js';
const heap = SharedHeap.create({ bytes: 64 << 20 }).buffer;
const inboxes = [LMSQueue.create({ capacity: 1<<17 }).buffer, LMSQueue.create({ capacity: 1<<17 }).buffer];
const ch = new Channel(heap, inboxes);
const N = 100000;
const msg = (seq) => ({ kind: 'item', seq, to: 42, body: ['put', 'key', seq] });
for (let r = 0; r < 5; r++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) ch.send(1, msg(i));
  const send = (performance.now() - t) * 1e6 / N;
  t = performance.now();
  let c = 0; ch.drain(1, () => c++);
  const recv = (performance.now() - t) * 1e6 / N;
  console.log('send', send.toFixed(0), 'ns; drain', recv.toFixed(0), 'ns', c);
}
const e = new Encoder(), d = new Decoder();
let t = performance.now();
for (let i = 0; i < N; i++) e.encode(msg(i));
console.log('encode', ((performance.now()-t)*1e6/N).toFixed(0));
const b = e.encode(msg(1)).slice();
t = performance.now();
for (let i = 0; i < N; i++) d.decode(b);
console.log('decode', ((performance.now()-t)*1e6/N).toFixed(0));
const h = SharedHeap.attach(heap);
t = performance.now();
for (let i = 0; i < N; i++) h.free(h.malloc(60));
console.log('malloc+free', ((performance.now()-t)*1e6/N).toFixed(0));
