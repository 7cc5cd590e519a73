import { availableParallelism } from 'node:os';
import { BlockPool } from '@beamish/arena';
import { type GroupOptions, type SchedulerGroup, startSchedulers } from '@beamish/scheduler';
import { checkPid, processInfo, self, send, spawnSettled } from './api.js';
import { setRuntime } from './current.js';
import { NameTable } from './name-table.js';
import { MAX_CORES, MAX_PROCESSES, type Pid } from './pid.js';
import type { Process, ProcessInfo } from './process.js';
import { ProcessTable } from './process-table.js';
import { after, receive } from './receive.js';
import type { Runtime, RuntimeShared } from './runtime.js';

/** Options of `start`. */
export interface StartOptions extends Omit<GroupOptions, 'services' | 'count'> {
  /** Schedulers, one per core: 0 runs on this thread. @defaultValue `os.availableParallelism()`, at most 1,024 */
  schedulers?: number;
  /** The process table's size, like BEAM's `+P`: spawning past it fails with `system_limit`. @defaultValue 1,048,576 */
  maxProcesses?: number;
  /** How many names can be registered at once. @defaultValue 65,536 */
  maxNames?: number;
  /**
   * Whether a process that crashes — throws an error — while no link, monitor or caller (`run`,
   * `spawnSettled`) would hear of it is reported on stderr, with its pid and the error, as Node
   * reports an unhandled rejection. (BEAM's error logger reports every uncaught error; here a crash
   * that a link, a monitor or a caller hears of is left to them.) Without it such a crash leaves no
   * trace, and whatever waited for that process waits for ever. An `exit(reason)`, a kill or an exit
   * signal is not a crash, and is never reported. The report is written to stderr's file descriptor
   * at once, from the thread of the process's core, so a stop that follows cannot lose it.
   *
   * @defaultValue true
   * @example
   * ```ts
   * const system = await start({ reportCrashes: false }); // crashes are the tests' business
   * ```
   */
  reportCrashes?: boolean;
}

/** What `ask` rejects with when no reply comes in time (reason `'timeout'`). */
export class TimeoutError extends Error {
  readonly reason = 'timeout';
  constructor(ms: number) {
    super(`timeout: no reply within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

const NO_REPLY = Symbol('no reply');

/**
 * A running actor system: one scheduler per core, each with its process runtime. The functions of
 * this package (`spawn`, `send`, …) work on it from anywhere on this thread, inside processes or not;
 * this object adds what only outside code needs.
 */
export class ActorSystem {
  /** The scheduler group under the system. */
  readonly group: SchedulerGroup;
  readonly #runtime: Runtime;

  /** @internal */
  constructor(group: SchedulerGroup, runtime: Runtime) {
    this.group = group;
    this.#runtime = runtime;
  }

  /**
   * Sends `build(replyTo)` to `dest` from a short-lived process on this core, and resolves with the
   * first message that process receives (the reply), or rejects with a `TimeoutError`.
   *
   * @example
   * ```ts
   * const total = await system.ask('counter', (replyTo) => ['get', replyTo]);
   * ```
   * @throws TypeError (at once) for an unknown name; RangeError for a negative timeout.
   */
  ask<T = unknown>(dest: Pid | string, build: (replyTo: Pid) => unknown, timeoutMs = 5000): Promise<T> {
    if (!(typeof timeoutMs === 'number' && timeoutMs >= 0)) {
      throw new RangeError(`timeoutMs must be a number of milliseconds, 0 or more, got ${String(timeoutMs)}`);
    }
    if (typeof build !== 'function') throw new TypeError('build must be a function of the reply-to pid');
    return this.run(function* () {
      send(dest, build(self()));
      const reply = yield* receive(after(timeoutMs, () => NO_REPLY));
      if (reply === NO_REPLY) throw new TimeoutError(timeoutMs);
      return reply as T;
    });
  }

  /**
   * Runs `body` as a process on this core and resolves with what it returns, or rejects with what
   * it throws: the bridge from ordinary async code to code that needs a process (`self`,
   * `receive`).
   *
   * @example
   * ```ts
   * const reply = await system.run(function* () {
   *   send('counter', ['get', self()]);
   *   return yield* receive(after(1000, () => 'no answer'));
   * });
   * ```
   */
  run<T>(body: () => Generator<unknown, T, unknown>): Promise<T> {
    // Settled by the process's end, however it comes: a return, a throw, `exit`, a kill, a linked
    // crash, `max_heap_size` or `stop()` (those reject with an ExitSignal carrying the reason).
    return spawnSettled(body)[1];
  }

  /**
   * `processInfo` from outside any process: what a process on any core reports of itself, or
   * undefined if it is not alive.
   *
   * @example
   * ```ts
   * const info = await system.processInfo(pid);
   * console.log(info?.core, info?.messageQueueLength);
   * ```
   * @throws TypeError when `pid` is not a pid.
   */
  processInfo(pid: Pid): Promise<ProcessInfo | undefined> {
    checkPid('pid', pid); // at the call, not when the process runs
    return this.run(() => processInfo(pid));
  }

  /** Live processes on every core. */
  get processCount(): number {
    return this.#runtime.table.size;
  }

  /**
   * Ends every process and scheduler; afterwards nothing keeps Node alive, and `start` may run again.
   */
  async stop(): Promise<void> {
    if (current !== this) return;
    current = undefined;
    // Called from a process, nothing runs at once any more: a process that traps exits does not
    // handle its EXIT while the system stops.
    this.#runtime.scheduler.holdHandOffs();
    // Again while ending some starts others (a `finally` that spawns): every process ends.
    const ended = new Set<Process>();
    for (let more = true; more; ) {
      more = false;
      for (const proc of this.#runtime.processes.values()) {
        if (ended.has(proc)) continue;
        ended.add(proc);
        more = true;
        this.#runtime.terminate(proc, 'shutdown');
      }
    }
    await this.group.stop();
    setRuntime(undefined);
  }
}

let current: ActorSystem | undefined;

function checkInteger(name: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
}

/**
 * Starts the actor system: one scheduler per core (0 on this thread, the others on worker threads),
 * each with its process runtime, sharing a process table and a name registry.
 *
 * @example
 * ```ts
 * const system = await start();
 * const pid = spawn(function* () {
 *   const [from, text] = (yield* receive()) as [Pid, string];
 *   send(from, text.toUpperCase());
 * });
 * console.log(await system.ask(pid, (me) => [me, 'hello'])); // 'HELLO'
 * await system.stop();
 * ```
 * @throws Error when a system runs already; RangeError/TypeError for bad options, naming them.
 */
export async function start(options: StartOptions = {}): Promise<ActorSystem> {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an options object');
  if (current !== undefined) throw new Error('an actor system is running already: stop() it first');
  const { schedulers, maxProcesses = 1_048_576, maxNames = 65_536, reportCrashes = true, ...group } = options;
  // Checked here, so that each error names the option the caller passed.
  checkInteger('options.schedulers', schedulers ?? 1, 1, MAX_CORES);
  checkInteger('options.maxProcesses', maxProcesses, 1, MAX_PROCESSES);
  checkInteger('options.maxNames', maxNames, 1, 2 ** 24);
  if (typeof reportCrashes !== 'boolean') {
    throw new TypeError(`options.reportCrashes must be true or false, got ${typeof reportCrashes}`);
  }
  const pool = BlockPool.create();
  const shared: RuntimeShared = {
    table: ProcessTable.create(maxProcesses).handle,
    names: NameTable.create(maxNames).buffer,
    pool: pool.handle,
    reportCrashes,
  };
  const userBuffers = group.sharedBuffers ?? [];
  const groupOptions: GroupOptions = {
    ...group,
    services: [{ module: new URL('./service.js', import.meta.url).href, options: shared }],
    // Every heap() lives in the pool: shared sends of views on it go by reference. (Anything but an
    // array is left for the group to reject, naming the option.)
    sharedBuffers: Array.isArray(userBuffers) ? [...userBuffers, pool.buffer] : userBuffers,
  };
  groupOptions.count = schedulers ?? Math.min(availableParallelism(), MAX_CORES);
  const schedulerGroup = startSchedulers(groupOptions);
  await schedulerGroup.ready;
  const system = new ActorSystem(schedulerGroup, schedulerGroup.service<Runtime>(0));
  current = system;
  return system;
}
