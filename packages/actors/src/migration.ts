import { moduleExports } from '@beamish/scheduler';
import type { Pid } from './pid.js';
import type { Process, Resumable } from './process.js';
import { isMoving, movingFrom } from './process-table.js';
import type { Runtime } from './runtime.js';
import type { Arrival, MoveSignal, Signal } from './signals.js';

/** A move out of this core under way. */
interface Move {
  /** Tells this move's `flushed` answers from those of an earlier move of the same process. */
  id: number;
  proc: Process;
  /** The core it goes to. */
  to: number;
  /** The cores that have not yet answered `flush`. */
  unflushed: Set<number>;
}

/**
 * Moves processes from this core to others, keeping their pids, and losing or reordering nothing.
 * Only a process that can go on elsewhere moves (a `Resumable`: a server defined at module level,
 * whose state is plain data), and only while it rests between two messages.
 *
 * What one sender sends one process arrives in order, across cores, because every message of a
 * sender passes through one channel. A move would break that — a message sent before the move could
 * reach the old core and be forwarded after a message sent after it reached the new one — so a move
 * is three steps:
 *
 * 1. This core freezes the process (nothing wakes it), marks it moving in the process table, and
 *    asks every other core to `flush`. From then on the other cores hold back what they send it; what
 *    they sent before is ahead of their `flushed` answer, on the same channel, and lands in the
 *    frozen process's mailbox here. The new core first imports the process's module and answers
 *    whether it found the definition there: if not, the move is called off.
 * 2. Once every core has answered, this core ships the process — where its definition lives, the
 *    arguments that carry its state, its mailbox, links, monitors and options — to the new core,
 *    records the new core in the table, and drops the process here without an exit.
 * 3. It tells the other cores the process has `moved`: they send what they held back, in order, to
 *    the new core, which keeps anything that comes before the process itself for it (as it does for a
 *    process another core spawned there).
 *
 * A process killed while it moves dies here as usual; the others then send what they held to a dead
 * pid, which Erlang's rules answer. A state or mailbox the codec cannot copy cancels the move.
 */
export class Migration {
  readonly #runtime: Runtime;
  readonly #outgoing = new Map<number, Move>();
  #nextMove = 1;
  /**
   * What this core holds back for processes on the move, oldest first, each with whether it was
   * sent with `share`.
   */
  readonly #held = new Map<number, Array<[Signal, boolean]>>();
  /** The processes here that can move: what rebalancing picks from. */
  readonly #resumables = new Set<Process>();

  constructor(runtime: Runtime) {
    this.#runtime = runtime;
  }

  /** Makes `proc` movable: from now on it may move whenever `resumable.atRest` is true. */
  register(proc: Process, resumable: Resumable): void {
    proc.resumable = resumable;
    this.#resumables.add(proc);
  }

  /** Forgets `proc`, which has ended or left. */
  forget(proc: Process): void {
    if (proc.resumable !== undefined) this.#resumables.delete(proc);
  }

  /** True when what is sent to `pid` (whose table entry reads `where`) must wait on this core. */
  holds(pid: Pid, where: number): boolean {
    return isMoving(where) || (this.#held.size > 0 && this.#held.has(pid));
  }

  /**
   * Holds `signal` back until its process has moved. What could not travel is refused now, at the
   * send, as it would have been without the move.
   *
   * @throws CodecError or RangeError for a signal the channel could not carry.
   */
  hold(pid: Pid, signal: Signal, share: boolean): void {
    this.#runtime.core.check(signal, share);
    const held = this.#held.get(pid);
    if (held === undefined) this.#held.set(pid, [[signal, share]]);
    else held.push([signal, share]);
  }

  /** True when `proc` could start moving now. */
  movable(proc: Process): boolean {
    return (
      proc.resumable?.atRest === true &&
      proc.state === 'waiting' &&
      !proc.exiting &&
      !proc.moving &&
      proc.arena === undefined &&
      proc.settle === undefined
    );
  }

  /** Starts moving `proc` to core `to`; false, having done nothing, when it cannot move now. */
  start(proc: Process, to: number): boolean {
    const { core, table } = this.#runtime;
    if (to === core.index || to < 0 || to >= core.count || !this.movable(proc)) return false;
    proc.moving = true;
    table.place(proc.pid, movingFrom(core.index));
    const id = this.#nextMove++;
    const unflushed = new Set<number>();
    for (let other = 0; other < core.count; other++) {
      if (other === core.index) continue;
      unflushed.add(other);
      // The new core is also asked to find the process's definition before it is shipped.
      const location = other === to ? (proc.resumable as Resumable).location : undefined;
      core.send(other, {
        k: 'flush',
        pid: proc.pid,
        from: core.index,
        move: id,
        location,
      } satisfies MoveSignal);
    }
    this.#outgoing.set(proc.pid, { id, proc, to, unflushed });
    return true;
  }

  /**
   * Moves up to `count` movable processes to other cores (rebalancing asks), leaving those spawned
   * with an `affinity` where they are; returns how many.
   */
  shed(count: number): number {
    const { core } = this.#runtime;
    let moving = 0;
    for (const proc of this.#resumables) {
      if (moving >= count) break;
      if (!proc.pinned && this.start(proc, core.pick(core.index))) moving++;
    }
    return moving;
  }

  /** A signal of the move protocol from another core. */
  receive(signal: MoveSignal | Arrival): void {
    switch (signal.k) {
      case 'flush':
        this.#flush(signal);
        return;
      case 'flushed':
        if (signal.ok) this.#flushed(signal.pid, signal.core, signal.move);
        else {
          const move = this.#outgoing.get(signal.pid);
          if (move?.id === signal.move) this.#stay(move);
        }
        return;
      case 'moved':
        this.release(signal.pid);
        return;
      case 'arrive':
        this.#runtime.resume(signal);
        return;
    }
  }

  /**
   * Answers a `flush`: behind whatever this core sent the process so far. The new core answers once
   * it has the process's module, saying whether the definition is there.
   */
  #flush({ pid, from, move, location }: Extract<MoveSignal, { k: 'flush' }>): void {
    const answer = (ok: boolean) =>
      this.#runtime.core.send(from, {
        k: 'flushed',
        pid,
        core: this.#runtime.core.index,
        move,
        ok,
      } satisfies MoveSignal);
    if (location === undefined) {
      answer(true);
      return;
    }
    const found = (exports: Record<string, unknown>) => typeof exports[location.name] === 'function';
    const exports = moduleExports(location.module);
    if (exports instanceof Promise)
      exports.then(
        (loaded) => answer(found(loaded)),
        () => answer(false),
      );
    else answer(found(exports));
  }

  /** Sends on what was held back for `pid`, in order, to wherever the table now says it is. */
  release(pid: Pid): void {
    const held = this.#held.get(pid);
    if (held === undefined) return;
    this.#held.delete(pid);
    for (const [signal, share] of held) this.#runtime.route(pid, signal, share);
  }

  /**
   * Core `index` died: it will answer no flush; a move to it does not happen (the process goes on
   * here). What it held dies with it.
   */
  schedulerDown(index: number): void {
    for (const move of [...this.#outgoing.values()]) {
      if (move.to === index) this.#stay(move);
      else this.#flushed(move.proc.pid, index, move.id);
    }
  }

  #flushed(pid: Pid, core: number, id: number): void {
    const move = this.#outgoing.get(pid);
    if (move === undefined || move.id !== id || !move.unflushed.delete(core) || move.unflushed.size > 0)
      return;
    this.#outgoing.delete(pid);
    this.#ship(move);
  }

  /** The move is off: the process goes on here, and the others send what they held back to it. */
  #stay(move: Move): void {
    const { proc } = move;
    this.#outgoing.delete(proc.pid);
    proc.moving = false;
    if (!proc.exiting) this.#runtime.table.place(proc.pid, this.#runtime.core.index);
    this.#tellMoved(proc.pid);
    if (!proc.exiting) this.#runtime.wakeIfMail(proc);
  }

  /** Step 2 and 3: the process leaves for `move.to`, or stays if it cannot travel. */
  #ship(move: Move): void {
    const runtime = this.#runtime;
    const { core, table } = runtime;
    const { proc, to } = move;
    const pid = proc.pid;
    if (proc.exiting) {
      this.#stay(move);
      return;
    }
    try {
      // With `share`: views on shared memory in its state or mailbox stay views on the same memory.
      core.send(to, this.#arrival(proc), true);
    } catch {
      // Its state or a message cannot be copied, or it is too big for the channel: it stays.
      this.#stay(move);
      return;
    }
    proc.moving = false;
    table.place(pid, to);
    core.adjustLoad(core.index, -1);
    core.adjustLoad(to, 1);
    runtime.leave(proc);
    this.#tellMoved(pid);
  }

  #arrival(proc: Process): Arrival {
    const resumable = proc.resumable as Resumable;
    return {
      k: 'arrive',
      pid: proc.pid,
      module: resumable.location.module,
      name: resumable.location.name,
      args: resumable.args(),
      mailbox: proc.messages().slice(proc.head),
      links: [...proc.linksOrNone],
      monitors: [...proc.monitorsOrNone],
      watchers: [...proc.watchersOrNone],
      options: {
        name: proc.name,
        trapExit: proc.trapExit,
        mode: proc.mode,
        maxHeapSize: proc.maxHeapSize === Number.POSITIVE_INFINITY ? undefined : proc.maxHeapSize,
        pinned: proc.pinned,
      },
    };
  }

  #tellMoved(pid: Pid): void {
    const { core } = this.#runtime;
    for (let other = 0; other < core.count; other++) {
      if (other !== core.index) core.send(other, { k: 'moved', pid } satisfies MoveSignal);
    }
  }
}
