import type { Arena } from '@beamish/arena';
import type { Outcome, Task } from '@beamish/scheduler';
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

/**
 * One process on this core: its mailbox, links and monitors. The process's code runs as a task of
 * the core's scheduler; the task's `context` is this object.
 */
export class Process {
  readonly pid: Pid;
  /** Messages not yet received, oldest first, from `head` on (the ones before are taken). */
  readonly mailbox: unknown[] = [];
  head = 0;
  // Links and monitors are made on first use: most processes have none, and an empty Set or Map
  // costs more than the rest of an idle process.
  #links: Set<Pid> | undefined = undefined;
  #monitors: Map<Ref, Pid> | undefined = undefined;
  #watchers: Map<Ref, Pid> | undefined = undefined;
  trapExit = false;
  name: string | undefined = undefined;
  /** The default mode of what it sends. */
  mode: SendMode = 'copy';
  maxHeapSize = Number.POSITIVE_INFINITY;
  arena: Arena | undefined = undefined;
  task: Task | undefined = undefined;
  /** Set once the process has begun to exit; nothing reaches it any more. */
  exiting = false;
  /** Told how the process's body ended, for whoever awaits it (`system.run`). */
  settle: ((outcome: Outcome<unknown>) => void) | undefined = undefined;

  constructor(pid: Pid) {
    this.pid = pid;
  }

  /** The processes linked to this one (made on first use). */
  get links(): Set<Pid> {
    this.#links ??= new Set();
    return this.#links;
  }

  /** Monitors this process holds: ref → the process it watches (made on first use). */
  get monitors(): Map<Ref, Pid> {
    this.#monitors ??= new Map();
    return this.#monitors;
  }

  /** Monitors on this process: ref → the process to tell when it exits (made on first use). */
  get watchers(): Map<Ref, Pid> {
    this.#watchers ??= new Map();
    return this.#watchers;
  }

  /** The links, without making the set. */
  get linksOrNone(): ReadonlySet<Pid> {
    return this.#links ?? NONE;
  }

  /** The monitors held, without making the map. */
  get monitorsOrNone(): ReadonlyMap<Ref, Pid> {
    return this.#monitors ?? NO_REFS;
  }

  /** The monitors on this process, without making the map. */
  get watchersOrNone(): ReadonlyMap<Ref, Pid> {
    return this.#watchers ?? NO_REFS;
  }

  /** Messages waiting in the mailbox. */
  get queued(): number {
    return this.mailbox.length - this.head;
  }

  /** Removes the message at `index` (from the mailbox's start) and returns it. */
  take(index: number): unknown {
    const mailbox = this.mailbox;
    const message = mailbox[index];
    if (index === this.head) {
      mailbox[index] = undefined;
      this.head++;
      // Compact once the taken messages are most of the array.
      if (this.head > 64 && this.head * 2 > mailbox.length) {
        mailbox.splice(0, this.head);
        this.head = 0;
      }
    } else {
      mailbox.splice(index, 1);
    }
    return message;
  }
}
