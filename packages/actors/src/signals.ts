import type { Location } from './definition.js';
import type { Pid, Ref } from './pid.js';

/** Spawn options as they travel to another core. */
export interface RemoteSpawnOptions {
  name?: string | undefined;
  maxHeapSize?: number | undefined;
  trapExit?: boolean | undefined;
  mode?: SendMode | undefined;
  /** Spawned with an `affinity`: rebalancing leaves it where it is. */
  pinned?: boolean | undefined;
}

/** How `send` hands a message over: a copy of its own, or the same objects where that is safe. */
export type SendMode = 'copy' | 'share';

/**
 * What processes send each other, across cores as plain data: messages and exit signals, and the
 * bookkeeping of links and monitors. Every signal names the process it is for.
 */
export type Signal =
  | { k: 'msg'; to: Pid; body: unknown }
  /**
   * An exit signal; `link` when it comes from a linked process that exited (not from `exit/2`).
   * `alone` when it tells of a crash that nothing else will: dropped, the crash is reported.
   */
  | { k: 'exit'; to: Pid; from: Pid; reason: unknown; link: boolean; alone?: boolean }
  | { k: 'link'; to: Pid; from: Pid }
  | { k: 'unlink'; to: Pid; from: Pid }
  | { k: 'monitor'; to: Pid; from: Pid; ref: Ref }
  | { k: 'demonitor'; to: Pid; ref: Ref }
  /** A monitored process ended; `alone` as for `exit`. */
  | { k: 'down'; to: Pid; ref: Ref; pid: Pid; reason: unknown; alone?: boolean }
  /** The process's registered name changed (it is freed when the process exits). */
  | { k: 'named'; to: Pid; name: string | undefined }
  /** `processInfo` asked by a process on another core: the answer is a message to `from`. */
  | { k: 'info'; to: Pid; from: Pid; ref: Ref };

/** Start a module-level process on the receiving core, under a pid the spawner allocated. */
export interface SpawnRequest {
  k: 'spawn';
  to: Pid;
  module: string;
  name: string;
  args: unknown[];
  options: RemoteSpawnOptions;
  /** Link to, or be monitored by, the spawner as part of the spawn (atomically, as in Erlang). */
  linkTo?: Pid | undefined;
  monitor?: { by: Pid; ref: Ref } | undefined;
}

/** How a process continues on the core it moves to (see `Migration`). */
export interface Arrival {
  k: 'arrive';
  pid: Pid;
  /** The module-level process to start in its place, and its arguments (which carry its state). */
  module: string;
  name: string;
  args: unknown[];
  /** Messages it had not received yet, oldest first. */
  mailbox: unknown[];
  links: Pid[];
  /** Monitors it holds, and monitors on it: [ref, pid] pairs. */
  monitors: Array<[Ref, Pid]>;
  watchers: Array<[Ref, Pid]>;
  options: RemoteSpawnOptions;
}

/**
 * The other signals of a move: the core a process leaves asks every other core to `flush` what it
 * sent the process so far (each answers `flushed` behind it), then ships the process (`Arrival`), then
 * tells every other core it has `moved`: what they held back for it meanwhile may go.
 */
export type MoveSignal =
  /** To the new core, with where the process's definition lives, to check it is there. */
  | { k: 'flush'; pid: Pid; from: number; move: number; location?: Location | undefined }
  /** `ok` false: the new core cannot start the process's definition. */
  | { k: 'flushed'; pid: Pid; core: number; move: number; ok: boolean }
  | { k: 'moved'; pid: Pid };

/** What the runtime on core 0 tells the others when a core's thread died with its processes. */
export interface DeadPids {
  k: 'dead';
  pids: Pid[];
}
