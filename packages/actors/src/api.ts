import type { Arena } from '@beamish/arena';
import { copy, needsNoCopy } from '@beamish/scheduler';
import { currentProcess, runtimeFor } from './current.js';
import { locationOf, type ProcessDefinition } from './definition.js';
import { ExitSignal } from './errors.js';
import { _ } from './patterns.js';
import { isPid, type Pid, type Ref } from './pid.js';
import type { Process, ProcessInfo, Resumable } from './process.js';
import { on, receive } from './receive.js';
import { INFO_REPLY, type ProcessBody, type Runtime } from './runtime.js';
import type { RemoteSpawnOptions, SendMode } from './signals.js';

/** Options of `spawn` (Erlang's `spawn_opt`). */
export interface SpawnOptions {
  /** Link the new process to the caller, atomically (`spawn_link`). @defaultValue false */
  link?: boolean;
  /** Monitor the new process from the caller; `spawnMonitor` returns the reference. @defaultValue false */
  monitor?: boolean;
  /** Register the new process under this name, visible on every core. @defaultValue none */
  name?: string;
  /**
   * Where a process defined with `defineProcess` runs: a scheduler index, or `'local'` for the
   * caller's. Closures always run on the caller's core. A process given an affinity stays there:
   * rebalancing does not move it. @defaultValue placement by the power of two random choices over
   * every core
   */
  affinity?: number | 'local';
  /** Bytes the process's `heap()` may hold; past it the process exits with `max_heap_size`. @defaultValue Infinity */
  maxHeapSize?: number;
  /** How the process's `send`s hand over messages by default. @defaultValue 'copy' */
  mode?: SendMode;
  /** Start trapping exits at once. @defaultValue false */
  trapExit?: boolean;
}

/** Options of `send`. */
export interface SendOptions {
  /**
   * `'copy'`: the receiver gets a copy of its own (immutable values are not copied). `'share'`: on
   * the same core the receiver gets the very objects sent; across cores, typed arrays, `DataView`s
   * and `SharedArrayBuffer`s on memory every core has — `heap()` memory and `start`'s
   * `sharedBuffers` — travel by reference (zero-copy), and the rest is copied. A view on the
   * sender's `heap()` is valid while the sender lives: its heap is freed when it exits.
   * @defaultValue the sending process's mode, else 'copy'
   */
  mode?: SendMode;
}

const SPAWN_KEYS = new Set(['link', 'monitor', 'name', 'affinity', 'maxHeapSize', 'mode', 'trapExit']);

/** The options of a spawn given none: shared, so that the commonest spawn allocates no options. */
const NO_OPTIONS: SpawnOptions = Object.freeze({});

function checkSpawnOptions(options: unknown, count: number): SpawnOptions {
  if (options === undefined) return NO_OPTIONS;
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an options object');
  for (const key of Object.keys(options)) {
    if (!SPAWN_KEYS.has(key)) throw new TypeError(`options.${key} is not a spawn option`);
  }
  const o = options as SpawnOptions;
  if (o.name !== undefined) checkName('options.name', o.name);
  if (
    o.affinity !== undefined &&
    o.affinity !== 'local' &&
    (!Number.isInteger(o.affinity) || o.affinity < 0 || o.affinity >= count)
  ) {
    throw new RangeError(
      `options.affinity must be 'local' or a scheduler index from 0 to ${count - 1}, got ${String(o.affinity)}`,
    );
  }
  if (o.maxHeapSize !== undefined && !(typeof o.maxHeapSize === 'number' && o.maxHeapSize >= 0)) {
    throw new RangeError(
      `options.maxHeapSize must be a number of bytes, 0 or more, got ${String(o.maxHeapSize)}`,
    );
  }
  if (o.mode !== undefined) checkMode('options.mode', o.mode);
  return o;
}

/** `pid`, if it is one. @throws TypeError naming `what` otherwise. */
export function checkPid(what: string, pid: unknown): Pid {
  if (!isPid(pid))
    throw new TypeError(
      `${what} must be a pid, got ${typeof pid === 'string' ? JSON.stringify(pid) : String(pid)}`,
    );
  return pid;
}

/** The pid a pid-or-name stands for; a name must be registered. */
function resolve(runtime: Runtime, what: string, dest: unknown): Pid {
  if (typeof dest === 'string') {
    const pid = runtime.names.whereis(dest);
    if (pid === undefined)
      throw new TypeError(`${what}: no process is registered as ${JSON.stringify(dest)}`);
    return pid;
  }
  return checkPid(what, dest);
}

/** A non-empty string, or a TypeError naming `what`. */
function checkName(what: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(
      `${what} must be a non-empty string, got ${typeof name === 'string' ? '""' : String(name)}`,
    );
  }
  return name;
}

function checkMode(what: string, mode: unknown): SendMode {
  if (mode !== 'copy' && mode !== 'share')
    throw new TypeError(`${what} must be 'copy' or 'share', got ${String(mode)}`);
  return mode;
}

/** Registers `name` for `pid`, or throws a TypeError naming `what`. */
function claimName(runtime: Runtime, what: string, name: string, pid: Pid): void {
  const outcome = runtime.names.register(name, pid);
  if (outcome === 'taken') throw new TypeError(`${what}: ${JSON.stringify(name)} is registered already`);
  if (outcome === 'full') throw new TypeError(`${what}: the name table is full (see options.maxNames)`);
}

/** What the core that starts a process needs of its spawn options (none made for no options). */
function remoteOptionsOf(options: SpawnOptions): RemoteSpawnOptions {
  if (options === NO_OPTIONS) return NO_OPTIONS;
  const { link, monitor, affinity, ...remote } = options;
  // Placed by the caller's word: rebalancing will not move it.
  return affinity === undefined ? remote : { ...remote, pinned: true };
}

/**
 * What every spawn does, whatever its flavour: `spawn(body, options)` for a closure, or
 * `spawn(definition, args, options)`.
 */
function spawnWith(
  what: string,
  body: unknown,
  argsOrOptions: unknown,
  maybeOptions: unknown,
  forced: SpawnOptions,
): { pid: Pid; ref: Ref | undefined } {
  const withArgs = Array.isArray(argsOrOptions);
  const args = withArgs ? argsOrOptions : [];
  const runtime = runtimeFor(what);
  const given = checkSpawnOptions(withArgs ? maybeOptions : argsOrOptions, runtime.core.count);
  const options = forced === NO_OPTIONS ? given : { ...given, ...forced };
  if (typeof body !== 'function') throw new TypeError(`${what}: body must be a generator function`);
  const parent = runtime.current();
  if (options.link || options.monitor) {
    if (parent === undefined) {
      throw new TypeError(
        `${what}: options.${options.link ? 'link' : 'monitor'} needs a calling process to link or monitor from`,
      );
    }
    runtime.stopIfKilled(); // a body that caught its own death makes no new ties
  }
  const location = locationOf(body);
  const here = runtime.core.index;
  const at =
    location === undefined || options.affinity === 'local'
      ? here
      : (options.affinity ?? runtime.core.placeNear());
  // A closure's generator is made here and now: a body that is not a generator function fails
  // before anything is allocated.
  let generator: ProcessBody | undefined;
  if (at === here) {
    generator = (body as (...a: unknown[]) => ProcessBody)(
      ...(args.every(needsNoCopy) ? args : copy(args, 'args')),
    );
    if (typeof generator?.next !== 'function')
      throw new TypeError(`${what}: body must be a generator function`);
  }
  const { link, monitor: monitored } = options;
  const remoteOptions = remoteOptionsOf(options);
  const ref = monitored ? runtime.ref() : undefined;
  const linkTo = link ? parent?.pid : undefined;
  const monitor = ref !== undefined && parent !== undefined ? { by: parent.pid, ref } : undefined;
  const pid = runtime.allocate(at);
  try {
    // The name first: a process is never seen without the name it was spawned with.
    if (options.name !== undefined) claimName(runtime, 'options.name', options.name, pid);
    if (generator !== undefined)
      runtime.spawnHere({ body: generator, options: remoteOptions, pid, linkTo, monitor });
    else {
      const { module, name } = location as NonNullable<typeof location>;
      runtime.spawnThere(at, { to: pid, module, name, args, options: remoteOptions, linkTo, monitor });
    }
  } catch (error) {
    if (options.name !== undefined) runtime.names.unregister(options.name, pid);
    runtime.unallocate(pid, at);
    throw error;
  }
  if (parent !== undefined) {
    if (linkTo !== undefined) parent.links.add(pid);
    if (ref !== undefined) parent.monitors.set(ref, pid);
  }
  return { pid, ref };
}

/**
 * Starts a process and returns its pid at once. A closure (any generator function) runs on the
 * caller's core; a process made with `defineProcess` runs where placement puts it (or where
 * `options.affinity` says), with `args` copied there.
 *
 * @example
 * ```ts
 * const pid = spawn(function* () {
 *   const [from, text] = (yield* receive()) as [Pid, string];
 *   send(from, text.toUpperCase());
 * });
 * ```
 * @throws TypeError/RangeError for bad options (naming the option); `SystemLimitError` when the
 *   process table is full; `CodecError` when `args` cannot be copied to another core.
 */
export function spawn(body: () => ProcessBody, options?: SpawnOptions): Pid;
export function spawn<A extends unknown[]>(
  definition: ProcessDefinition<A>,
  args: A,
  options?: SpawnOptions,
): Pid;
export function spawn(body: unknown, argsOrOptions?: unknown, options?: unknown): Pid {
  return spawnWith('spawn', body, argsOrOptions, options, NO_OPTIONS).pid;
}

/** `spawn` with `{ link: true }`: the new process is linked to the caller before it runs. */
export function spawnLink(body: () => ProcessBody, options?: SpawnOptions): Pid;
export function spawnLink<A extends unknown[]>(
  definition: ProcessDefinition<A>,
  args: A,
  options?: SpawnOptions,
): Pid;
export function spawnLink(body: unknown, argsOrOptions?: unknown, options?: unknown): Pid {
  return spawnWith('spawnLink', body, argsOrOptions, options, { link: true }).pid;
}

/** `spawn` with `{ monitor: true }`: returns the pid and the monitor's reference. */
export function spawnMonitor(body: () => ProcessBody, options?: SpawnOptions): [Pid, Ref];
export function spawnMonitor<A extends unknown[]>(
  definition: ProcessDefinition<A>,
  args: A,
  options?: SpawnOptions,
): [Pid, Ref];
export function spawnMonitor(body: unknown, argsOrOptions?: unknown, options?: unknown): [Pid, Ref] {
  const { pid, ref } = spawnWith('spawnMonitor', body, argsOrOptions, options, { monitor: true });
  return [pid, ref as Ref];
}

/** The calling process's pid. @throws TypeError outside a process. */
export function self(): Pid {
  return currentProcess('self()').pid;
}

/**
 * Sends `message` to a process, by pid or registered name, on any core. Sending to a pid that is
 * not alive does nothing, as in Erlang; messages from one process to another arrive in the order sent.
 *
 * @example
 * ```ts
 * send(pid, ['hello', self()]);
 * send('logger', { level: 'info', text: 'started' });
 * ```
 * @throws TypeError for a name nobody registered or something that is not a pid; `CodecError`,
 *   naming where, for a message that cannot be copied (nothing is sent).
 */
export function send(dest: Pid | string, message: unknown, options?: SendOptions): void {
  const runtime = runtimeFor('send');
  // A pid is checked before a name is looked for: the commonest send, kept short.
  const to = isPid(dest) ? dest : resolve(runtime, 'dest', dest);
  // Without a mode, the sender's own (a send from outside every process copies).
  const mode = options === undefined ? undefined : sendModeOf(options);
  runtime.send(to, message, mode === undefined ? runtime.sharesByDefault() : mode === 'share');
}

/** The mode `send`'s options give, if any. Kept apart from `send`, so that `send` stays small. */
function sendModeOf(options: unknown): SendMode | undefined {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an options object');
  const { mode } = options as SendOptions;
  return mode === undefined ? undefined : checkMode('options.mode', mode);
}

/**
 * `exit(reason)` ends the calling process with `reason` (Erlang's `exit/1`: it throws, and a
 * `try`/`finally` in the process runs). `exit(pid, reason)` sends an exit signal (Erlang's `exit/2`):
 * `'normal'` is ignored unless the target traps exits, `'kill'` cannot be trapped and kills with
 * reason `'killed'`, anything else kills a process that does not trap exits and reaches one that
 * does as `['EXIT', from, reason]`.
 */
export function exit(reason: unknown): never;
export function exit(pid: Pid, reason: unknown): void;
export function exit(...args: unknown[]): undefined {
  if (args.length === 1) {
    currentProcess('exit(reason)');
    throw new ExitSignal(args[0]);
  }
  const runtime = runtimeFor('exit');
  const to = checkPid('pid', args[0]);
  const from = runtime.current()?.pid ?? to;
  runtime.route(to, { k: 'exit', to, from, reason: args[1], link: false });
  runtime.stopIfKilled();
  return undefined;
}

/**
 * Links the caller and `pid`: when either exits, the other gets an exit signal. Linking to a process
 * that is not alive sends the caller an exit signal with reason `'noproc'`.
 */
export function link(pid: Pid): void {
  const proc = currentProcess('link');
  const to = checkPid('pid', pid);
  const runtime = runtimeFor('link');
  runtime.stopIfKilled();
  if (to === proc.pid || proc.linksOrNone.has(to)) return;
  proc.links.add(to);
  runtime.route(to, { k: 'link', to, from: proc.pid });
}

/** Removes the link between the caller and `pid`, if any; no exit signal crosses it afterwards. */
export function unlink(pid: Pid): void {
  const proc = currentProcess('unlink');
  const to = checkPid('pid', pid);
  if (!proc.linksOrNone.has(to)) return;
  proc.links.delete(to);
  runtimeFor('unlink').route(to, { k: 'unlink', to, from: proc.pid });
}

/**
 * Monitors `pid`: when it exits the caller gets `['DOWN', ref, 'process', pid, reason]`; at once,
 * with reason `'noproc'`, if it is not alive.
 */
export function monitor(pid: Pid): Ref {
  const proc = currentProcess('monitor');
  const to = checkPid('pid', pid);
  const runtime = runtimeFor('monitor');
  runtime.stopIfKilled();
  const ref = runtime.ref();
  proc.monitors.set(ref, to);
  runtime.route(to, { k: 'monitor', to, from: proc.pid, ref });
  return ref;
}

/**
 * Turns a monitor off. With `{ flush: true }` a `DOWN` message for it already in the mailbox is
 * removed too.
 */
export function demonitor(ref: Ref, options: { flush?: boolean } = {}): void {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an options object');
  const proc = currentProcess('demonitor');
  const target = proc.monitorsOrNone.get(ref);
  if (target !== undefined) {
    proc.monitors.delete(ref);
    runtimeFor('demonitor').route(target, { k: 'demonitor', to: target, ref });
  }
  if (options.flush) {
    const mailbox = proc.messages();
    for (let i = mailbox.length - 1; i >= proc.head; i--) {
      const m = mailbox[i];
      if (Array.isArray(m) && m[0] === 'DOWN' && m[1] === ref) proc.take(i);
    }
  }
}

/** Sets whether the caller traps exits; returns the previous setting. */
export function trapExit(flag: boolean): boolean {
  if (typeof flag !== 'boolean') throw new TypeError(`flag must be true or false, got ${String(flag)}`);
  const proc = currentProcess('trapExit');
  const previous = proc.trapExit;
  proc.trapExit = flag;
  return previous;
}

/**
 * Registers `pid` (by default the caller) under `name`, on every core; the name is freed when the
 * process exits.
 *
 * @throws TypeError when the name is taken, the process is not alive, or the process has a name already.
 */
export function register(name: string, pid?: Pid): void {
  const runtime = runtimeFor('register');
  checkName('name', name);
  const target = pid === undefined ? currentProcess('register').pid : checkPid('pid', pid);
  if (!runtime.table.isAlive(target)) throw new TypeError('pid: the process is not alive');
  // Asked of the shared table, not of the process: it may run on another core.
  const already = runtime.names.nameOf(target);
  if (already !== undefined) throw new TypeError(`pid is registered already, as ${JSON.stringify(already)}`);
  claimName(runtime, 'name', name, target);
  runtime.route(target, { k: 'named', to: target, name });
}

/** Frees `name`. @throws TypeError when nobody has it. */
export function unregister(name: string): void {
  const runtime = runtimeFor('unregister');
  const pid = runtime.names.unregister(checkName('name', name));
  if (pid === undefined) throw new TypeError(`name: ${JSON.stringify(name)} is not registered`);
  runtime.route(pid, { k: 'named', to: pid, name: undefined });
}

/** The pid registered as `name`, or undefined. */
export function whereis(name: string): Pid | undefined {
  const runtime = runtimeFor('whereis');
  checkName('name', name);
  const pid = runtime.names.whereis(name);
  return pid !== undefined && runtime.table.isAlive(pid) ? pid : undefined;
}

/** True while `pid`'s process runs, on any core. */
export function isAlive(pid: Pid): boolean {
  return runtimeFor('isAlive').table.isAlive(checkPid('pid', pid));
}

/** The pids of every live process, on every core. */
export function processes(): Pid[] {
  return runtimeFor('processes').table.livePids();
}

/**
 * Information about a process on any core, or undefined if it is not alive (Erlang's
 * `process_info/1`). For a process on the caller's core it answers at once; for one elsewhere it asks
 * that core and waits for the answer, so it is called with `yield*` inside a process (from outside,
 * use `system.processInfo`).
 *
 * @example
 * ```ts
 * const info = yield* processInfo(pid);
 * console.log(info?.status, info?.messageQueueLength, info?.core);
 * ```
 * @throws TypeError when `pid` is not a pid.
 */
export function* processInfo(pid: Pid): Generator<unknown, ProcessInfo | undefined, unknown> {
  const runtime = runtimeFor('processInfo');
  const target = checkPid('pid', pid);
  const local = runtime.processes.get(target);
  if (local !== undefined) return runtime.infoOf(local);
  const asker = currentProcess('processInfo of a process on another core');
  if (!runtime.table.isAlive(target)) return undefined;
  // Held as a monitor on the asker's side only (the target is not told): if the target's core dies
  // before it answers, the asker hears DOWN like any monitor would.
  const ref = runtime.ref();
  asker.monitors.set(ref, target);
  runtime.route(target, { k: 'info', to: target, from: asker.pid, ref });
  const info = yield* receive(
    on([INFO_REPLY, ref, _], ([, , answer]) => answer as ProcessInfo | undefined),
    on(['DOWN', ref, _, _, _], () => undefined),
  );
  asker.monitors.delete(ref);
  return info;
}

/**
 * Starts a closure as a process on the caller's core, as `spawn` does, and returns its pid with a
 * promise of how it ends: what its body returns; or what it throws, or an `ExitSignal` with the
 * reason it was ended with (a kill, a linked crash, `max_heap_size`, `'shutdown'` when the system
 * stops). The promise settles however the process ends, even before its first slice — unlike a
 * `finally` in the body, which a process killed before it ever ran does not reach. The bridge from a
 * process to code that awaits it (`system.run` is built on it).
 *
 * @example
 * ```ts
 * const [pid, ended] = spawnSettled(function* () {
 *   return yield* receive();
 * });
 * send(pid, 'hello');
 * console.log(await ended); // 'hello'
 * ```
 * @throws as `spawn` does; TypeError for an `options.affinity` other than `'local'` (the process
 *   runs here, a `defineProcess` definition too).
 */
export function spawnSettled<T>(
  body: () => Generator<unknown, T, unknown>,
  options?: SpawnOptions,
): [Pid, Promise<T>] {
  const affinity = typeof options === 'object' && options !== null ? options.affinity : undefined;
  if (affinity !== undefined && affinity !== 'local') {
    throw new TypeError(
      `options.affinity: spawnSettled runs its process on the caller's core, got ${String(affinity)}`,
    );
  }
  // On this core, a module-level definition too: its end settles the promise here.
  const pid = spawn(body, { ...options, affinity: 'local' });
  const proc = runtimeFor('spawnSettled').processes.get(pid) as Process;
  const ended = new Promise<T>((resolve, reject) => {
    proc.settle = (outcome) => (outcome.ok ? resolve(outcome.value as T) : reject(outcome.error));
  });
  return [pid, ended];
}

/**
 * Moves process `pid`, which runs on the caller's core, to scheduler `core`, keeping its pid: what
 * was sent to it and what is sent meanwhile arrives there, in order, and its links, monitors and
 * name go with it. Rebalancing moves processes the same way by itself, from the busiest core.
 *
 * Only a process that can go on elsewhere moves — a server defined with `defineServer`, whose state
 * is plain data — and only while it waits between two messages, without a `heap()`.
 *
 * @example
 * ```ts
 * const kv = yield* startServer(kvStore, [], { affinity: 'local' });
 * migrate(kv, 1); // the next call is answered on scheduler 1
 * ```
 * @returns true when the move has begun; false when `pid` is not on this core or cannot move now.
 * @throws TypeError when `pid` is not a pid; RangeError when `core` is not a scheduler index.
 */
export function migrate(pid: Pid, core: number): boolean {
  const runtime = runtimeFor('migrate');
  const proc = runtime.processes.get(checkPid('pid', pid));
  const count = runtime.core.count;
  if (!Number.isInteger(core) || core < 0 || core >= count) {
    throw new RangeError(`core must be a scheduler index from 0 to ${count - 1}, got ${String(core)}`);
  }
  return proc !== undefined && runtime.migration.start(proc, core);
}

/**
 * Makes the calling process movable (see `migrate`): `resumable` says what to start on the other
 * core in its place, and when it may move.
 */
export function makeResumable(resumable: Resumable): void {
  const proc = currentProcess('makeResumable');
  runtimeFor('makeResumable').migration.register(proc, resumable);
}

/**
 * The calling process's arena (`@beamish/arena`): typed memory released in one step when the
 * process exits, whatever the reason, and bounded by its `maxHeapSize`.
 *
 * @example
 * ```ts
 * const samples = heap().f64(1024);
 * ```
 */
export function heap(): Arena {
  const proc = currentProcess('heap()');
  return runtimeFor('heap()').heapOf(proc);
}
