declare const PID: unique symbol;
declare const REF: unique symbol;

/**
 * A process identifier: a small integer, valid on every core, compared by value (`===`), usable as a
 * `Map` key and carried in messages like any number. Its low 21 bits are the process's slot in the
 * shared process table, the bits above a generation that tells a slot's successive processes apart.
 */
export type Pid = number & { readonly [PID]: true };

/** A reference, unique across the system: what `monitor` returns and `DOWN` messages carry. */
export type Ref = number & { readonly [REF]: true };

export const SLOT_BITS = 21;
/** The most processes a table can hold: 2^21. */
export const MAX_PROCESSES = 2 ** SLOT_BITS;
const SLOT_MASK = MAX_PROCESSES - 1;
/** Generations run 1 … 1023, so that a pid is a positive int32 and never 0. */
export const MAX_GENERATION = 1023;

export const makePid = (slot: number, generation: number): Pid => ((generation << SLOT_BITS) | slot) as Pid;
export const slotOf = (pid: Pid): number => pid & SLOT_MASK;
export const generationOf = (pid: Pid): number => pid >>> SLOT_BITS;

/** True for a number shaped like a pid (whether or not its process is alive). */
export function isPid(value: unknown): value is Pid {
  return typeof value === 'number' && (value | 0) === value && value > SLOT_MASK;
}

/** `<0.slot.generation>`, the way Erlang prints pids. */
export function pidToString(pid: Pid): string {
  return `<0.${slotOf(pid)}.${generationOf(pid)}>`;
}

/** The most cores a system runs on: refs and the process table tell this many apart. */
export const MAX_CORES = 1024;

/** Refs made on this thread: a counter times `MAX_CORES`, plus the core's index. */
let nextRef = 0;
export function makeRef(core: number): Ref {
  nextRef++;
  return (nextRef * MAX_CORES + core) as Ref;
}
