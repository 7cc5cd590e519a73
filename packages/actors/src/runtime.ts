import { Arena, BlockPool, type BlockPoolHandle } from '@beamish/arena';
import {
  CodecError,
  type Core,
  copy,
  moduleExports,
  needsNoCopy,
  type Outcome,
  type Scheduler,
  type Service,
  type Task,
} from '@beamish/scheduler';
import { crashHearers, reportCrash } from './crash-report.js';
import { ExitSignal, reasonOf } from './errors.js';
import { LocalProcesses } from './local-processes.js';
import { Migration } from './migration.js';
import { NameTable } from './name-table.js';
import { makeRef, type Pid, type Ref } from './pid.js';
import { Process, type ProcessInfo } from './process.js';
import { NOT_ALIVE, ProcessTable, type ProcessTableHandle } from './process-table.js';
import type { Arrival, DeadPids, MoveSignal, RemoteSpawnOptions, Signal, SpawnRequest } from './signals.js';

/** The first element of the message that answers a `processInfo` asked across cores. */
export const INFO_REPLY = '$processInfo';

/** The shared state every core's runtime attaches to (handed to worker threads as `workerData`). */
export interface RuntimeShared {
  table: ProcessTableHandle;
  names: SharedArrayBuffer;
  pool: BlockPoolHandle;
  /** Whether a crash that no link, monitor or caller hears of is written to stderr (`start`'s option). */
  reportCrashes: boolean;
}

/** A process body: a generator whose every `yield` ends a time slice. */
export type ProcessBody = Generator<unknown, unknown, unknown>;

/** What a runtime needs to start a process here. */
export interface LocalSpawn {
  body: ProcessBody;
  options: RemoteSpawnOptions;
  /** The pid the spawner allocated for it (see `Runtime.allocate`). */
  pid: Pid;
  linkTo?: Pid | undefined;
  monitor?: { by: Pid; ref: Ref } | undefined;
  /** What a process that moved here from another core brings: its mailbox, links and monitors. */
  arrival?: Arrival | undefined;
}

/** A `system_limit` error: the process table is full. */
export class SystemLimitError extends RangeError {
  readonly reason = 'system_limit';
  constructor(capacity: number) {
    super(`system_limit: the process table is full (${capacity} processes; see options.maxProcesses)`);
    this.name = 'SystemLimitError';
  }
}

/**
 * Makes a codec error's path start at `root`, after `envelope`: the key that holds the user's value
 * in the runtime's envelope.
 */
function relocate(error: CodecError, envelope: string, root: string): CodecError {
  error.path.splice(0, error.path.indexOf(envelope) + 1);
  return error.located(root);
}

/** The body of a process that cannot start: it exits with `error` in its first slice. */
// biome-ignore lint/correctness/useYield: it ends before it could yield, which is the point
function* failAtOnce(error: unknown): ProcessBody {
  throw error;
}

/**
 * The process runtime of one core: its processes, and the delivery of messages and signals to them,
 * here or through the cross-core channel. One runs beside every scheduler of a system, installed as
 * a scheduler service.
 */
export class Runtime implements Service {
  readonly core: Core;
  readonly scheduler: Scheduler;
  readonly table: ProcessTable;
  readonly names: NameTable;
  readonly pool: BlockPool;
  readonly #reportCrashes: boolean;
  readonly processes = new LocalProcesses();
  /** Signals for processes another core has spawned (or moved) here, that have not arrived yet. */
  readonly #embryos = new Map<Pid, Signal[]>();
  /** Set once a process of this core is given mode `'share'` (see `sharesByDefault`). */
  #someShare = false;
  readonly migration = new Migration(this);

  constructor(core: Core, shared: RuntimeShared) {
    this.core = core;
    this.scheduler = core.scheduler;
    this.table = ProcessTable.attach(shared.table);
    this.names = NameTable.attach(shared.names);
    this.pool = BlockPool.attach(shared.pool);
    this.#reportCrashes = shared.reportCrashes;
  }

  /**
   * Whether the running process shares what it sends by default (its mode is `'share'`). Until a
   * process of this core is given that mode, no send looks.
   */
  sharesByDefault(): boolean {
    return this.#someShare && this.current()?.shares === true;
  }

  /** The process whose slice is running on this thread, if any. */
  current(): Process | undefined {
    const task = this.scheduler.current;
    // Only a process has a pid: a cheaper test than `instanceof`, which cost a tenth of an in-core
    // round trip here, where it runs for every send and receive.
    return (task as Partial<Process> | undefined)?.pid !== undefined ? (task as Process) : undefined;
  }

  /** Allocates a pid on `core`, counting it in the load table. */
  allocate(core: number): Pid {
    const pid = this.table.allocate(core);
    if (pid === undefined) throw new SystemLimitError(this.table.capacity);
    this.core.adjustLoad(core, 1);
    return pid;
  }

  /** Frees a pid that `allocate` gave and no process took up. */
  unallocate(pid: Pid, core: number): void {
    this.table.release(pid);
    this.core.adjustLoad(core, -1);
  }

  /** Starts a process on this core. */
  spawnHere(spawn: LocalSpawn): void {
    const { pid, options } = spawn;
    const proc = new Process(pid, spawn.body);
    // Only what was given: the defaults live in Process.
    if (options.trapExit !== undefined) proc.trapExit = options.trapExit;
    if (options.mode !== undefined) {
      proc.mode = options.mode;
      if (options.mode === 'share') this.#someShare = true;
    }
    if (options.maxHeapSize !== undefined) proc.maxHeapSize = options.maxHeapSize;
    if (options.pinned === true) proc.pinned = true;
    proc.name = options.name;
    if (spawn.linkTo !== undefined) proc.links.add(spawn.linkTo);
    if (spawn.monitor !== undefined) proc.watchers.set(spawn.monitor.ref, spawn.monitor.by);
    const arrival = spawn.arrival;
    if (arrival !== undefined) {
      for (const link of arrival.links) proc.links.add(link);
      for (const [ref, target] of arrival.monitors) proc.monitors.set(ref, target);
      for (const [ref, watcher] of arrival.watchers) proc.watchers.set(ref, watcher);
      for (const message of arrival.mailbox) proc.deliver(message);
    }
    this.processes.set(proc);
    proc.onEnd = this.#ended;
    this.scheduler.start(proc);
    const early = this.#embryos.get(pid);
    if (early !== undefined) {
      this.#embryos.delete(pid);
      for (const signal of early) this.#deliver(proc, signal);
    }
  }

  /** Asks core `core` to start `module`'s export `name` under the pid the caller allocated. */
  spawnThere(core: number, request: Omit<SpawnRequest, 'k'>): void {
    try {
      this.core.send(core, { k: 'spawn', ...request } satisfies SpawnRequest);
    } catch (error) {
      if (CodecError.isInstance(error)) throw relocate(error, 'args', 'args');
      throw error;
    }
  }

  /** The process's arena, made on first use with its `maxHeapSize`. */
  heapOf(proc: Process): Arena {
    proc.arena ??= new Arena(this.pool, {
      limit: proc.maxHeapSize,
      // Passing the limit ends the process even if its code catches the error.
      onLimit: () => this.terminate(proc, 'max_heap_size'),
    });
    return proc.arena;
  }

  /**
   * Sends a message: in-core straight to the mailbox (no signal made), to another core addressed to
   * its pid (`Core.sendAddressed`: no envelope of our own).
   */
  send(to: Pid, body: unknown, share: boolean): void {
    const local = this.processes.get(to);
    if (local === undefined) this.#sendAway(to, body, share);
    else if (this.#mail(local, share || needsNoCopy(body) ? body : copy(body, 'message')))
      this.stopIfKilled();
  }

  /**
   * `send` to a process of another core, or to one not here yet. Apart from `send`, which the engine
   * then inlines into the sender whole: it counts a function's size against what it may inline.
   */
  #sendAway(to: Pid, body: unknown, share: boolean): void {
    const where = this.table.coreOf(to);
    if (where === NOT_ALIVE) return; // a dead pid: nothing happens, as in Erlang
    // The common case goes addressed to the pid; a process not started here yet, or on the move,
    // gets a signal.
    const direct = where !== this.core.index && !this.migration.holds(to, where);
    try {
      if (direct) this.core.sendAddressed(where, to, body, share);
      else this.#routeAway(to, { k: 'msg', to, body }, share);
    } catch (error) {
      // Located from the body on: a direct send's path starts there already; a signal is the runtime's.
      if (CodecError.isInstance(error)) throw direct ? error : relocate(error, 'body', 'message');
      throw error;
    }
  }

  /**
   * Hands `signal` to its process, wherever it lives; what cannot be delivered is answered as Erlang
   * does. `share` sends views on shared memory by reference.
   */
  route(to: Pid, signal: Signal, share = false): void {
    const local = this.processes.get(to);
    if (local === undefined) this.#routeAway(to, signal, share);
    else this.#deliver(local, signal);
  }

  /**
   * `route` for a process not running on this core (maybe not started yet, or gone); `share` sends
   * views on shared memory by reference.
   */
  #routeAway(to: Pid, signal: Signal, share = false): void {
    const where = this.table.coreOf(to);
    if (where === NOT_ALIVE) {
      this.#undeliverable(signal);
      return;
    }
    const holding = this.migration.holds(to, where);
    if (where !== this.core.index && !holding) {
      this.core.send(where, signal, share);
      return;
    }
    // Kept as objects until the process starts here, or has moved: a message is copied now, as the
    // channel would have.
    const kept =
      signal.k === 'msg' && !share && !needsNoCopy(signal.body)
        ? { ...signal, body: copy(signal.body, 'message') }
        : signal;
    // Behind what this core held back while the process moved here, even once the table names
    // this core: what one sender sends keeps its order.
    if (holding) this.migration.hold(to, kept, share);
    else {
      // Spawned (or moved) here by another core, and not arrived yet.
      const early = this.#embryos.get(to);
      if (early === undefined) this.#embryos.set(to, [kept]);
      else early.push(kept);
    }
  }

  /** Ends `proc` with `reason` at once (at the end of its slice, if it is the one running). */
  terminate(proc: Process, reason: unknown): void {
    if (proc.exiting) return;
    this.scheduler.cancel(proc, new ExitSignal(reason));
    // A process whose body waits under a hand-off, killed by the slice handed off to, is dead to
    // the others at once, as it would be had it been waiting, with the reason that ended it (it
    // may have been ending already); its body stops where the call that handed off returns
    // (`stopIfKilled`).
    if (proc === this.scheduler.handingOff) this.#exited(proc, reasonOf(proc.cancelWith?.error));
  }

  /**
   * Called where a process's own call may have run another process at once (a send, an exit
   * signal): a process that was killed meanwhile stops here, as one that calls `exit(reason)`
   * does, instead of running on after its exit was seen. Also called before a process links or
   * monitors, so that a body that caught its end makes no new ties.
   */
  stopIfKilled(): void {
    const cancelled = this.scheduler.current?.cancelWith;
    if (cancelled !== undefined) throw cancelled.error;
  }

  /** A message sent to a process of this core by a process of another (see `send`). */
  receiveAddressed(address: number, body: unknown): void {
    const to = address as Pid;
    const local = this.processes.get(to);
    if (local === undefined) this.#routeAway(to, { k: 'msg', to, body }, true);
    else this.#mail(local, body);
  }

  /** A signal from another core's runtime. */
  receive(message: unknown): void {
    const signal = message as Signal | SpawnRequest | DeadPids | MoveSignal | Arrival;
    switch (signal.k) {
      case 'spawn':
        this.#spawnArrived(signal);
        return;
      case 'dead':
        this.#diedWithCore(signal.pids);
        return;
      case 'flush':
      case 'flushed':
      case 'moved':
      case 'arrive':
        this.migration.receive(signal);
        return;
      default:
        this.route(signal.to, signal);
    }
  }

  schedulerDown(index: number): void {
    this.migration.schedulerDown(index);
    // Core 0's runtime speaks for the dead core: it finds its processes in the table, frees them,
    // and tells every core which pids are gone.
    if (this.core.index !== 0) return;
    // Its load count is the group's to reset (it has: a dead scheduler holds nothing), not to lower.
    const pids = this.table.pidsOn(index);
    for (const pid of pids) this.table.release(pid);
    const dead = new Set<number>(pids);
    for (const [name, pid] of this.names.entries()) if (dead.has(pid)) this.names.unregister(name, pid);
    for (let core = 1; core < this.core.count; core++) {
      if (core !== index) this.core.send(core, { k: 'dead', pids } satisfies DeadPids);
    }
    this.#diedWithCore(pids);
  }

  #deliver(proc: Process, signal: Signal): void {
    switch (signal.k) {
      case 'msg':
        this.#mail(proc, signal.body);
        return;
      case 'exit':
        this.#exitSignal(proc, signal);
        return;
      case 'link':
        proc.links.add(signal.from);
        return;
      case 'unlink':
        if (proc.linksOrNone.size > 0) proc.links.delete(signal.from);
        return;
      case 'monitor':
        proc.watchers.set(signal.ref, signal.from);
        return;
      case 'demonitor':
        if (proc.watchersOrNone.size > 0) proc.watchers.delete(signal.ref);
        return;
      case 'down':
        if (proc.monitorsOrNone.has(signal.ref) && proc.monitors.delete(signal.ref))
          this.#mail(proc, ['DOWN', signal.ref, 'process', signal.pid, signal.reason]);
        else if (signal.alone === true) reportCrash(signal.pid, signal.reason); // demonitored meanwhile: see crashHearers
        return;
      case 'named':
        proc.name = signal.name;
        return;
      case 'info':
        this.send(signal.from, [INFO_REPLY, signal.ref, this.infoOf(proc)], true);
        return;
    }
  }

  /** Erlang's rules for an exit signal reaching a process. */
  #exitSignal(proc: Process, { from, reason, link, alone }: Signal & { k: 'exit' }): void {
    if (link && !(proc.linksOrNone.has(from) && proc.links.delete(from))) {
      // Unlinked meanwhile: the signal is void (and its crash heard by nobody, see crashHearers).
      if (alone === true) reportCrash(from, reason);
      return;
    }
    if (reason === 'kill' && !link) this.terminate(proc, 'killed');
    else if (proc.trapExit) this.#mail(proc, ['EXIT', from, reason]);
    else if (reason !== 'normal') this.terminate(proc, reason);
    else if (from === proc.pid) this.terminate(proc, 'normal');
  }

  /** Puts `message` in `proc`'s mailbox and wakes it if it waits; true when it woke it. */
  #mail(proc: Process, message: unknown): boolean {
    proc.deliver(message);
    return this.#wake(proc);
  }

  /** Wakes `proc` if it waits (it may run at once: `Scheduler.handOff`); true when it woke it. */
  #wake(proc: Process): boolean {
    return proc.state === 'waiting' && !proc.moving && this.scheduler.handOff(proc);
  }

  /** Wakes `proc` if messages wait for it (after a move that did not happen). */
  wakeIfMail(proc: Process): void {
    if (proc.queued > 0) this.#wake(proc);
  }

  /** Moves up to `count` movable processes to other cores, for rebalancing. */
  shed(count: number): number {
    return this.migration.shed(count);
  }

  /** Drops `proc`, which has moved to another core: no exit, no signal, its pid lives on there. */
  leave(proc: Process): void {
    proc.exiting = true; // nothing reaches it here any more, and its end is not an exit
    this.processes.delete(proc.pid);
    this.migration.forget(proc);
    this.scheduler.cancel(proc, new ExitSignal('moved'));
  }

  /** Starts here a process that moved from another core, in the place of its module-level definition. */
  resume(arrival: Arrival): void {
    this.#startDefinition(arrival.module, arrival.name, arrival.args, (body) => {
      this.spawnHere({ body, options: arrival.options, pid: arrival.pid, arrival });
      // What this core held back for it while it moved comes before whatever it is sent from now on.
      this.migration.release(arrival.pid);
    });
  }

  /** One handler for every process's task: a closure per process would weigh on idle processes. */
  readonly #ended = (outcome: Outcome<unknown>, task: Task): void => {
    const proc = task as Process;
    if (outcome.ok) this.#exited(proc, 'normal');
    else {
      const hearers = this.#reportCrashes ? crashHearers(proc, outcome.error) : Number.POSITIVE_INFINITY;
      // Reported before the process is dead in the table: whoever sees it dead can count on the report.
      if (hearers === 0) reportCrash(proc.pid, outcome.error);
      this.#exited(proc, reasonOf(outcome.error), hearers === 1);
    }
    proc.settle?.(outcome);
  };

  /** What a process leaves behind when it ends, however it ends. */
  #exited(proc: Process, reason: unknown, alone = false): void {
    if (proc.exiting) return;
    proc.exiting = true;
    const pid = proc.pid;
    this.processes.delete(pid);
    this.migration.forget(proc);
    if (proc.name !== undefined) this.names.unregister(proc.name, pid);
    proc.arena?.release();
    this.unallocate(pid, this.core.index);
    // A process killed is reported 'killed' to the others, so that `kill` stops at one process.
    const told = reason === 'kill' ? 'killed' : reason;
    for (const other of proc.linksOrNone)
      this.#tell(other, { k: 'exit', to: other, from: pid, reason: told, link: true, alone });
    for (const [ref, watcher] of proc.watchersOrNone) {
      this.#tell(watcher, { k: 'down', to: watcher, ref, pid, reason: told, alone });
    }
    for (const [ref, target] of proc.monitorsOrNone) this.#tell(target, { k: 'demonitor', to: target, ref });
  }

  /** Routes a signal carrying an exit reason; a reason the codec cannot copy travels as its text. */
  #tell(to: Pid, signal: Signal): void {
    try {
      this.route(to, signal);
    } catch (error) {
      if (!CodecError.isInstance(error) || !('reason' in signal)) throw error;
      this.route(to, { ...signal, reason: String(signal.reason) });
    }
  }

  /** Answers a signal for a process that does not exist, as Erlang does. */
  #undeliverable(signal: Signal): void {
    if (signal.k === 'link') {
      this.route(signal.from, { k: 'exit', to: signal.from, from: signal.to, reason: 'noproc', link: true });
    } else if (signal.k === 'monitor') {
      this.route(signal.from, {
        k: 'down',
        to: signal.from,
        ref: signal.ref,
        pid: signal.to,
        reason: 'noproc',
      });
    } else if ((signal.k === 'down' || signal.k === 'exit') && signal.alone === true) {
      // The one signal that told of a crash, to a process gone meanwhile: see crashHearers.
      reportCrash(signal.k === 'down' ? signal.pid : signal.from, signal.reason);
    } else if (signal.k === 'named' && signal.name !== undefined) {
      // Registered as it died: free the name it will not free itself.
      this.names.unregister(signal.name, signal.to);
    } else if (signal.k === 'info') {
      this.send(signal.from, [INFO_REPLY, signal.ref, undefined], true);
    }
  }

  #spawnArrived(request: SpawnRequest): void {
    this.#startDefinition(request.module, request.name, request.args, (body) => {
      this.spawnHere({
        body,
        options: request.options,
        pid: request.to,
        linkTo: request.linkTo,
        monitor: request.monitor,
      });
    });
  }

  /**
   * Calls `start` with the body of `module`'s export `name` called with `args` (once the module is
   * imported, if it is not yet). A definition that is missing or throws still starts a process:
   * one that exits with the error at once, so that its name, links, monitors and the signals that
   * came before it are dealt with as for any exit.
   */
  #startDefinition(module: string, name: string, args: unknown[], start: (body: ProcessBody) => void): void {
    const bodyOf = (exports: Record<string, unknown>): ProcessBody => {
      try {
        const definition = exports[name];
        if (typeof definition !== 'function') {
          throw new TypeError(`${module} has no exported process ${JSON.stringify(name)}`);
        }
        const body = (definition as (...args: unknown[]) => ProcessBody)(...args);
        if (typeof body?.next !== 'function') {
          throw new TypeError(`${module}'s ${JSON.stringify(name)} is not a generator function`);
        }
        return body;
      } catch (error) {
        return failAtOnce(error);
      }
    };
    const exports = moduleExports(module);
    if (exports instanceof Promise)
      exports.then(
        (loaded) => start(bodyOf(loaded)),
        (error: unknown) => start(failAtOnce(error)),
      );
    else start(bodyOf(exports));
  }

  /** Processes that died with their core: their links and monitors here hear `scheduler_down`. */
  #diedWithCore(pids: Pid[]): void {
    const dead = new Set<number>(pids);
    for (const proc of this.processes.values()) {
      for (const other of proc.linksOrNone) {
        if (dead.has(other))
          this.#deliver(proc, { k: 'exit', to: proc.pid, from: other, reason: 'scheduler_down', link: true });
      }
      for (const [ref, target] of proc.monitorsOrNone) {
        if (dead.has(target)) {
          this.#deliver(proc, { k: 'down', to: proc.pid, ref, pid: target, reason: 'scheduler_down' });
        }
      }
      // Monitors held by the dead on this process: nobody is left to tell of its end, and they
      // would stay for the rest of its life (links go as their exit signals are delivered above).
      for (const [ref, holder] of proc.watchersOrNone) if (dead.has(holder)) proc.watchers.delete(ref);
    }
    // What was held back for them meets a dead pid now, and is answered as such (after the
    // `scheduler_down`s above, which a `noproc` answer would otherwise preempt).
    for (const pid of pids) this.migration.release(pid);
  }

  /** What `processInfo` reports of `proc`, a process on this core. */
  infoOf(proc: Process): ProcessInfo {
    return {
      pid: proc.pid,
      status: proc.exiting ? 'exiting' : proc.state === 'waiting' ? 'waiting' : 'runnable',
      core: this.core.index,
      registeredName: proc.name,
      messageQueueLength: proc.queued,
      slices: proc.slices,
      heapBytes: proc.arena?.stats().bytesHeld ?? 0,
      links: [...proc.linksOrNone],
      monitors: [...proc.monitorsOrNone.values()],
      monitoredBy: [...proc.watchersOrNone.values()],
      trapExit: proc.trapExit,
    };
  }

  /** A new reference, unique in the system. */
  ref(): Ref {
    return makeRef(this.core.index);
  }
}
