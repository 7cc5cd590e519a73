import { type Pid, slotOf } from './pid.js';
import type { Process } from './process.js';

/**
 * The processes running on this core, found by pid. A pid's slot in the shared process table is
 * unique among live processes, so a plain array indexed by slot finds one with a load and a compare,
 * where a `Map` hashes: a send looks its receiver up, so this is on every message's path.
 */
export class LocalProcesses {
  /** By slot; `undefined` where no process of this core lives. Grown densely, never holey. */
  readonly #bySlot: Array<Process | undefined> = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** The live process `pid` on this core, if there is one. */
  get(pid: Pid): Process | undefined {
    const proc = this.#bySlot[slotOf(pid)];
    // The slot's process may be a later one with the same slot: the pid tells them apart.
    return proc !== undefined && proc.pid === pid ? proc : undefined;
  }

  has(pid: Pid): boolean {
    return this.get(pid) !== undefined;
  }

  set(proc: Process): void {
    const slot = slotOf(proc.pid);
    const bySlot = this.#bySlot;
    // Filled up to the slot, so that the array keeps fast elements however far the slot lies.
    while (bySlot.length <= slot) bySlot.push(undefined);
    if (bySlot[slot] === undefined) this.#size++;
    bySlot[slot] = proc;
  }

  /** Forgets `pid`, if it is the process in its slot. */
  delete(pid: Pid): void {
    const slot = slotOf(pid);
    if (this.#bySlot[slot]?.pid !== pid) return;
    this.#bySlot[slot] = undefined;
    this.#size--;
  }

  /** The processes, in a new array (callers may spawn or end processes while they go through it). */
  values(): Process[] {
    const all: Process[] = [];
    for (const proc of this.#bySlot) if (proc !== undefined) all.push(proc);
    return all;
  }
}
