// Takes slots from a shared FreeSlots ring and gives them back, checking that no other thread holds
// a slot it was given: `owners[slot]` must go from 0 to this thread's id when it takes the slot.
import { parentPort, workerData } from 'node:worker_threads';
import { FreeSlots } from '../../dist/free-slots.js';

const { buffer, ownersBuffer, id, rounds, hold } = workerData;
const slots = new FreeSlots(buffer);
const owners = new Int32Array(ownersBuffer);
const held = [];
let taken = 0;
let clashes = 0;
let empties = 0;
for (let round = 0; round < rounds; round++) {
  // Hold 1..hold slots at a time, so that the ring runs near empty as well as near full.
  const want = 1 + (round % hold);
  while (held.length < want) {
    const slot = slots.take();
    if (slot === undefined) {
      empties++;
      break;
    }
    if (Atomics.compareExchange(owners, slot, 0, id) !== 0) clashes++;
    held.push(slot);
    taken++;
  }
  while (held.length > (round % 3 === 0 ? 0 : want >> 1)) {
    const slot = held.shift();
    Atomics.store(owners, slot, 0);
    slots.give(slot);
  }
}
for (const slot of held) {
  Atomics.store(owners, slot, 0);
  slots.give(slot);
}
parentPort.postMessage({ taken, clashes, empties });
