import type { Arena } from '@beamish/arena';
import { type Outcome, Task } from '@beamish/scheduler';
import type { Location } from './definition.js';
import type { Pid, Ref } from './pid.js';
import type { SendMode } from './signals.js';

const NONE: ReadonlySet<Pid> = new Set();
const NO_REFS: ReadonlyMap<Ref, Pid> = new Map();

/** Where a process is in its life, as `processInfo` reports it. */
export type ProcessStatus = 'runnable' | 'waiting' | 'exiting';

/** What `processInfo` reports. */
export interface ProcessInfo {
  pid: Pid;
  status: ProcessStatus;
  /** The scheduler (core) it runs on. */
  core: number;
  registeredName: string | undefined;
  messageQueueLength: number;
  /** Time slices it has run. */
  slices: number;
  /** Bytes its `heap()` holds. */
  heapBytes: number;
  links: Pid[];
  /** The processes it monitors. */
  monitors: Pid[];
  /** The processes that monitor it. */
  monitoredBy: Pid[];
  trapExit: boolean;
}

/** Bits of `Process.#flags`. */
const TRAP_EXIT = 1;
const SHARES = 2;
const EXITING = 4;
const MOVING = 8;
const PINNED = 16;

/**
 * How a process can go on on another core, for rebalancing to move it (see `Migration`): the
 * module-level process to start there in its place, and the arguments that carry its state.
 */
export interface Resumable {
  /** Where the module-level process to start in its place is defined. */
  location: Location;
  /** Its arguments, asked for at the move: they carry the state of that moment. */
  args(): unknown[];
  /** True while the process waits between two messages, the one point where it may move. */
  atRest: boolean;
}

/**
 * What few processes have — links, monitors, a name, a heap, a heap limit, somebody awaiting the end
 * — kept apart, so that an idle process carries one field for all of it.
 */
class Extra {
  links: Set<Pid> | undefined = undefined;
  monitors: Map<Ref, Pid> | undefined = undefined;
  watchers: Map<Ref, Pid> | undefined = undefined;
  name: string | undefined = undefined;
  maxHeapSize = Number.POSITIVE_INFINITY;
  arena: Arena | undefined = undefined;
  settle: ((outcome: Outcome<unknown>) => void) | undefined = undefined;
  resumable: Resumable | undefined = undefined;
}

/**
 * What `Process.#only` holds when it holds no message (any value can be a message), and what
 * `takeOldestIfAny` returns from an empty mailbox.
 */
export const EMPTY: unique symbol = Symbol('empty');

/**
 * Whether a mailbox slot holds `EMPTY`: one pointer comparison, because the engine knows `EMPTY` as
 * a constant (the build keeps it `const`, see build/const-bindings.ts). Were it loaded from a
 * mutable slot, a comparison that has seen numbers, arrays and a symbol would call the engine's
 * generic equality, a twentieth of an in-core round trip; a `typeof` test first avoided that.
 */
export const isEmpty = (slot: unknown): slot is typeof EMPTY => slot === EMPTY;

/** Read in place of a process's Extra until it has one. */
const NO_EXTRA: Readonly<Extra> = Object.freeze(new Extra());

/**
 * One process on this core: its mailbox, links and monitors. It is the scheduler task that runs its
 * code, too (one object per process rather than two), with six fields of its own: an idle process
 * is mostly its generator, and what it may need later is made when it first needs it.
 */
export class Process extends Task {
  readonly pid: Pid;
  /**
   * The mailbox when it holds one message and nothing else, the commonest case: kept in this object,
   * so that delivering and receiving it touch no array (with many processes, each array is memory
   * the cache no longer holds). `EMPTY` otherwise.
   */
  #only: unknown = EMPTY;
  /** The mailbox beyond that: messages not yet received, oldest first, from `#head` on. */
  #mailbox: unknown[] | undefined = undefined;
  #head = 0;
  #flags = 0;
  #extra: Extra = NO_EXTRA;

  constructor(pid: Pid, body: Generator<unknown, unknown, unknown>) {
    super(body);
    this.pid = pid;
  }

  /**
   * Not awaitable, unlike other tasks: a process that reached a promise's resolution by mistake
   * would otherwise turn its exit into that promise's rejection. Throwing makes the mistake loud.
   */
  // biome-ignore lint/suspicious/noThenProperty: it overrides Task's, to make a process not thenable
  override then(): never {
    throw new TypeError('a process is not awaitable (spawnSettled gives a promise of its end)');
  }

  /** Whether exit signals arrive as messages. */
  get trapExit(): boolean {
    return (this.#flags & TRAP_EXIT) !== 0;
  }
  set trapExit(on: boolean) {
    this.#flags = on ? this.#flags | TRAP_EXIT : this.#flags & ~TRAP_EXIT;
  }

  /** The default mode of what it sends. */
  get mode(): SendMode {
    return this.shares ? 'share' : 'copy';
  }
  /** Whether it shares what it sends by default (mode `'share'`). */
  get shares(): boolean {
    return (this.#flags & SHARES) !== 0;
  }
  set mode(mode: SendMode) {
    this.#flags = mode === 'share' ? this.#flags | SHARES : this.#flags & ~SHARES;
  }

  /** Set once the process has begun to exit; nothing reaches it any more. */
  get exiting(): boolean {
    return (this.#flags & EXITING) !== 0;
  }
  set exiting(on: boolean) {
    this.#flags = on ? this.#flags | EXITING : this.#flags & ~EXITING;
  }

  /** Set while the process is frozen for a move to another core: nothing wakes it. */
  get moving(): boolean {
    return (this.#flags & MOVING) !== 0;
  }
  set moving(on: boolean) {
    this.#flags = on ? this.#flags | MOVING : this.#flags & ~MOVING;
  }

  /** Spawned with an `affinity`: rebalancing leaves it where it is (`migrate` may still move it). */
  get pinned(): boolean {
    return (this.#flags & PINNED) !== 0;
  }
  set pinned(on: boolean) {
    this.#flags = on ? this.#flags | PINNED : this.#flags & ~PINNED;
  }

  /** How it can go on on another core, if it can. */
  get resumable(): Resumable | undefined {
    return this.#extra.resumable;
  }
  set resumable(resumable: Resumable | undefined) {
    this.#own().resumable = resumable;
  }

  /** Its registered name. */
  get name(): string | undefined {
    return this.#extra.name;
  }
  set name(name: string | undefined) {
    if (name !== undefined || this.#extra !== NO_EXTRA) this.#own().name = name;
  }

  /** Bytes its heap may hold. */
  get maxHeapSize(): number {
    return this.#extra.maxHeapSize;
  }
  set maxHeapSize(bytes: number) {
    this.#own().maxHeapSize = bytes;
  }

  /** Its heap, once it has used `heap()`. */
  get arena(): Arena | undefined {
    return this.#extra.arena;
  }
  set arena(arena: Arena | undefined) {
    this.#own().arena = arena;
  }

  /** Told how the process's body ended, for whoever awaits it (`system.run`). */
  get settle(): ((outcome: Outcome<unknown>) => void) | undefined {
    return this.#extra.settle;
  }
  set settle(settle: ((outcome: Outcome<unknown>) => void) | undefined) {
    this.#own().settle = settle;
  }

  /** The processes linked to this one (made on first use). */
  get links(): Set<Pid> {
    const extra = this.#own();
    extra.links ??= new Set();
    return extra.links;
  }

  /** Monitors this process holds: ref → the process it watches (made on first use). */
  get monitors(): Map<Ref, Pid> {
    const extra = this.#own();
    extra.monitors ??= new Map();
    return extra.monitors;
  }

  /** Monitors on this process: ref → the process to tell when it exits (made on first use). */
  get watchers(): Map<Ref, Pid> {
    const extra = this.#own();
    extra.watchers ??= new Map();
    return extra.watchers;
  }

  /** The links, without making the set. */
  get linksOrNone(): ReadonlySet<Pid> {
    return this.#extra.links ?? NONE;
  }

  /** The monitors held, without making the map. */
  get monitorsOrNone(): ReadonlyMap<Ref, Pid> {
    return this.#extra.monitors ?? NO_REFS;
  }

  /** The monitors on this process, without making the map. */
  get watchersOrNone(): ReadonlyMap<Ref, Pid> {
    return this.#extra.watchers ?? NO_REFS;
  }

  /** Messages waiting in the mailbox. */
  get queued(): number {
    return isEmpty(this.#only) ? this.#backlog() : 1;
  }

  /** Puts `message` at the end of the mailbox. */
  deliver(message: unknown): void {
    if (isEmpty(this.#only) && this.#backlog() === 0) this.#only = message;
    else this.messages().push(message);
  }

  /** Messages waiting in the array beyond `#only`. */
  #backlog(): number {
    return this.#mailbox === undefined ? 0 : this.#mailbox.length - this.#head;
  }

  /**
   * Takes the oldest message, or returns `EMPTY` (see `isEmpty`) when there is none. One call, made
   * whether or not a message waits, so that the engine has seen it called and inlines it into the
   * receive even when it optimizes that receive before any message came (10,000 processes starting
   * to wait, say); the array beyond `#only` is looked at out of line.
   */
  takeOldestIfAny(): unknown {
    const only = this.#only;
    if (isEmpty(only)) return this.#mailbox === undefined ? EMPTY : this.#takeFromArray();
    this.#only = EMPTY;
    return only;
  }

  #takeFromArray(): unknown {
    return this.#backlog() > 0 ? this.take(this.#head) : EMPTY;
  }

  /**
   * The mailbox as an array, for receives that look through it: messages from `head` on, oldest
   * first. Only its process takes from it (`take`), so while it waits the array only grows.
   */
  messages(): unknown[] {
    this.#mailbox ??= [];
    if (!isEmpty(this.#only)) {
      this.#mailbox.push(this.#only);
      this.#only = EMPTY;
    }
    return this.#mailbox;
  }

  /** Where the messages not yet received begin in `messages()`. */
  get head(): number {
    return this.#head;
  }

  /** Removes the message at `index` of `messages()` and returns it. */
  take(index: number): unknown {
    const mailbox = this.messages();
    const message = mailbox[index];
    if (index === this.#head) {
      mailbox[index] = undefined;
      this.#head++;
      // Emptied, or mostly taken: start again from the front.
      if (this.#head === mailbox.length) {
        mailbox.length = 0;
        this.#head = 0;
      } else if (this.#head > 64 && this.#head * 2 > mailbox.length) {
        mailbox.splice(0, this.#head);
        this.#head = 0;
      }
    } else {
      mailbox.splice(index, 1);
    }
    return message;
  }

  /** Its own Extra, made on first use. */
  #own(): Extra {
    if (this.#extra === NO_EXTRA) this.#extra = new Extra();
    return this.#extra;
  }
}
