import { availableParallelism } from 'node:os';
import { type ResourceLimits, Worker } from 'node:worker_threads';
import { SharedHeap } from '@beamish/arena';
import { LMSQueue } from '@beamish/lfqueue';
import { BATCHES_PER_TURN, Channel } from './channel.js';
import { checkCount } from './check-count.js';
import { copy } from './codec/copy.js';
import { SchedulerDownError } from './errors.js';
import { type Outcome, PortableHost } from './host.js';
import { type CoreStats, LoadTable } from './load-table.js';
import type { ToGroup, ToWorker, WorkerData } from './messages.js';
import type { PortableRequest, PortableTask } from './portable.js';
import { Scheduler, type SchedulerOptions } from './scheduler.js';
import {
  announceDown,
  deliverAddressed,
  deliverToService,
  installServices,
  isServiceMessage,
  type Service,
  type ServiceMessage,
  type ServiceSpec,
  shedFromServices,
} from './service.js';
import { sleepOnInbox } from './sleep-on-inbox.js';
import type { Task, TaskBody } from './task.js';
import { twoChoices } from './two-choices.js';

/** What a worker tells the group about itself, as opposed to its services' messages. */
type GroupMessage = Exclude<ToGroup, ServiceMessage>;

/** Options of `startSchedulers`. */
export interface GroupOptions extends SchedulerOptions {
  /** How many schedulers: 0 on this thread, the others on worker threads. @defaultValue `os.availableParallelism()` */
  count?: number;
  /** Honour `affinity` and `group` hints; `false` ignores them (the proposal's first cut). @defaultValue true */
  hints?: boolean;
  /** Milliseconds between two rebalancing checks; 0 turns rebalancing off. @defaultValue 10 */
  rebalanceMs?: number;
  /**
   * Milliseconds an idle scheduler keeps looking at its inbox before it sleeps on its doorbell: a
   * message that arrives meanwhile is taken at once instead of after a wake-up (20–90 µs here).
   * 0 sleeps at once. @defaultValue 0.2
   */
  spinMs?: number;
  /** Messages each scheduler's inbox holds before senders wait. @defaultValue 4096 */
  inboxCapacity?: number;
  /** Bytes of the shared heap that carries messages between schedulers. @defaultValue 16 MiB */
  heapBytes?: number;
  /**
   * Memory limits of each worker thread's JavaScript heap, as `worker_threads` takes them. A worker
   * that exceeds them dies like any crashed worker: its tasks end with `scheduler_down` and a
   * replacement starts. @defaultValue Node's defaults
   */
  resourceLimits?: ResourceLimits;
  /**
   * Services to install beside every scheduler (see {@link ServiceSpec}); `group.ready` settles once
   * they are installed everywhere. @defaultValue none
   */
  services?: ServiceSpec[];
  /**
   * `SharedArrayBuffer`s that every scheduler gets (besides the channel's heap): typed arrays and
   * `DataView`s on them, and the buffers themselves, sent with `share` travel by reference, not
   * copied. @defaultValue none
   */
  sharedBuffers?: SharedArrayBuffer[];
}

/** Where a portable task may run. */
export interface PlacementOptions {
  /** Pin to this scheduler (0 … count − 1): placed there and never moved. */
  affinity?: number;
  /** Keep together with every other task of the same group: the first one's scheduler, pinned. */
  group?: string;
  /** Start on this scheduler, but let rebalancing move the task. */
  prefer?: number;
}

interface Pending {
  /** The scheduler the task is on. */
  at: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

function checkMs(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new RangeError(`${name} must be a number of milliseconds, 0 or more, got ${String(value)}`);
  }
  return value;
}

function checkSharedBuffers(value: unknown): SharedArrayBuffer[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 255) {
    throw new TypeError('options.sharedBuffers must be an array of at most 255 SharedArrayBuffers');
  }
  value.forEach((buffer, i) => {
    if (!(buffer instanceof SharedArrayBuffer))
      throw new TypeError(`options.sharedBuffers[${i}] must be a SharedArrayBuffer, got ${String(buffer)}`);
  });
  return [...value];
}

/**
 * One scheduler per core: scheduler 0 on this thread, the others on worker threads, talking through
 * inboxes in shared memory. Start it with {@link startSchedulers}.
 */
export class SchedulerGroup {
  /** How many schedulers there are. */
  readonly count: number;
  /** Scheduler 0, on this thread: `spawn` runs closures here. */
  readonly local: Scheduler;
  readonly #hints: boolean;
  readonly #options: GroupOptions;
  readonly #heap: SharedHeap;
  readonly #inboxes: SharedArrayBuffer[] = [];
  readonly #channel: Channel;
  readonly #table: LoadTable;
  readonly #workers: Array<Worker | undefined> = [];
  readonly #pending = new Map<number, Pending>();
  /** Schedulers asked to shed tasks that have not answered yet: asked once at a time. */
  readonly #shedding = new Set<number>();
  readonly #groups = new Map<string, number>();
  readonly #host: PortableHost;
  readonly #rebalancer: NodeJS.Timeout | undefined;
  readonly #idle: ReturnType<typeof sleepOnInbox>;
  readonly #spinMs: number;
  /** What `drain` hands over: a service's message waits, as it came, until the services are installed. */
  readonly #take = (message: unknown, service: number, address: number): void => {
    if (service < 0 && !isServiceMessage(message)) this.#deliver(message as GroupMessage);
    else if (this.#services === undefined) this.#early.push([message, service, address]);
    else if (service >= 0) deliverAddressed(this.#services, service, address, message);
    else deliverToService(this.#services, message as ServiceMessage);
  };
  readonly #serviceSpecs: ServiceSpec[];
  readonly #shared: SharedArrayBuffer[];
  /** This thread's services, once installed. */
  #services: Service[] | undefined;
  /** Service messages that arrived before this thread's services were installed, as `drain` gave them. */
  readonly #early: Array<[message: unknown, service: number, address: number]> = [];
  /** Workers whose services are not installed yet, with what to call when they are. */
  readonly #starting = new Map<number, { resolve: () => void; reject: (error: unknown) => void }>();
  /**
   * Settles once the services are installed on every scheduler (at once when there are none);
   * rejects, and the group stops, when one fails to install.
   */
  readonly ready: Promise<void>;
  #nextId = 1;
  #stopping = false;

  /** @internal */
  constructor(options: GroupOptions) {
    // Every option is checked before anything is made: a bad one leaves nothing running.
    this.#options = options;
    this.count = checkCount('options.count', options.count, 1, availableParallelism());
    this.#hints = options.hints ?? true;
    const rebalanceMs = checkMs('options.rebalanceMs', options.rebalanceMs, 10);
    this.#spinMs = checkMs('options.spinMs', options.spinMs, 0.2);
    const limits = options.resourceLimits;
    if (limits !== undefined && (typeof limits !== 'object' || limits === null)) {
      throw new TypeError(
        `options.resourceLimits must be an object such as { maxOldGenerationSizeMb: 64 }, got ${String(limits)}`,
      );
    }
    const inboxCapacity = checkCount('options.inboxCapacity', options.inboxCapacity, 1, 4096);
    const heapBytes = checkCount('options.heapBytes', options.heapBytes, 4096, 16 << 20);
    this.#serviceSpecs = checkServices(options.services);
    this.#shared = checkSharedBuffers(options.sharedBuffers);
    this.local = new Scheduler({
      maxSlicesPerTurn: options.maxSlicesPerTurn,
      maxTurnMs: options.maxTurnMs,
      maxHandOffsPerSlice: options.maxHandOffsPerSlice,
    });

    this.#heap = SharedHeap.create({ bytes: heapBytes });
    for (let i = 0; i < this.count; i++)
      this.#inboxes.push(LMSQueue.create({ capacity: inboxCapacity }).buffer);
    this.#channel = new Channel(this.#heap.buffer, this.#inboxes, this.#shared);
    this.#table = new LoadTable(this.count);
    this.#host = new PortableHost(this.local, (id, outcome) => this.#settle(id, outcome));
    this.local.poll = () => {
      this.#channel.drain(0, this.#take, BATCHES_PER_TURN);
      this.#table.publish(0, this.local);
    };
    this.#idle = sleepOnInbox(this.local, this.#channel, 0, this.#spinMs);
    this.local.onIdle = this.#idle.idle;
    this.local.wake();
    const workersReady: Promise<void>[] = [];
    for (let i = 1; i < this.count; i++) {
      workersReady.push(new Promise((resolve, reject) => this.#starting.set(i, { resolve, reject })));
      this.#startWorker(i);
    }
    this.ready = Promise.all([this.#installLocal(), ...workersReady]).then(
      () => undefined,
      async (error) => {
        await this.stop();
        throw error;
      },
    );
    // Whoever does not await `ready` must not see an unhandled rejection; `stop()` has run anyway.
    this.ready.catch(() => {});
    this.#rebalancer =
      rebalanceMs > 0 ? setInterval(() => this.#rebalance(), rebalanceMs).unref() : undefined;
  }

  /** Runs a closure task on scheduler 0 (closures cannot cross threads). */
  spawn<T>(body: TaskBody<T>): Task<T> {
    return this.local.spawn(body);
  }

  /**
   * Starts a portable task on the scheduler that placement picks: the `affinity` or `group` hint if
   * given (and hints are on), else the less loaded of two schedulers picked at random.
   *
   * @returns a promise of the value the task returns; it rejects with the task's error, or with a
   *   `SchedulerDownError` if the task's worker thread dies.
   * @throws TypeError when `task` lacks a module URL or export name, or its arguments cannot be
   *   cloned; RangeError for an affinity outside 0 … count − 1.
   */
  spawnPortable<T = unknown>(task: PortableTask, options: PlacementOptions = {}): Promise<T> {
    if (this.#stopping) throw new Error('the scheduler group has stopped');
    if (
      typeof task !== 'object' ||
      task === null ||
      typeof task.module !== 'string' ||
      typeof task.name !== 'string'
    ) {
      throw new TypeError('task must be { module: string (a URL), name: string, args?: unknown[] }');
    }
    if (task.args !== undefined && !Array.isArray(task.args))
      throw new TypeError('task.args must be an array');
    const { at, pinned } = this.#place(options);
    const request: PortableRequest = { ...task, id: this.#nextId++, pinned };
    // Waiting before the task is sent: a task on this thread may end within `#send`.
    const result = new Promise<T>((resolve, reject) => {
      this.#pending.set(request.id, { at, resolve: resolve as (value: unknown) => void, reject });
    });
    try {
      // The arguments are copied exactly once, here or on their way to another core, as they
      // would be for any scheduler.
      this.#send(at, at === 0 ? copy(request) : request);
    } catch (error) {
      this.#pending.delete(request.id);
      throw new TypeError(`task.args cannot be copied to another thread: ${(error as Error).message}`);
    }
    return result;
  }

  /**
   * Service `index` (of `options.services`) as installed on this thread, once `ready` has settled.
   *
   * @throws RangeError when there is no such service, or it is not installed yet.
   */
  service<S extends Service = Service>(index: number): S {
    const service = this.#services?.[index];
    if (service === undefined) {
      throw new RangeError(`index: no service ${index} is installed on this thread (await group.ready)`);
    }
    return service as S;
  }

  /** Every scheduler's counters, 0 first. */
  stats(): CoreStats[] {
    this.#table.publish(0, this.local);
    return Array.from({ length: this.count }, (_, i) => this.#table.read(i, this.#channel.depth(i)));
  }

  /** Stops every scheduler; tasks still running elsewhere end with an error. Nothing keeps Node alive afterwards. */
  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#rebalancer !== undefined) clearInterval(this.#rebalancer);
    this.local.onIdle = undefined;
    this.#idle.stop();
    for (const starting of this.#starting.values()) starting.reject(new Error('the scheduler group stopped'));
    this.#starting.clear();
    await Promise.all(this.#workers.map((worker) => worker?.terminate()));
    this.#channel.close();
    for (const [id, pending] of this.#pending) {
      if (pending.at !== 0) {
        this.#pending.delete(id);
        pending.reject(new Error('the scheduler group stopped before the task ended'));
      }
    }
  }

  #place(options: PlacementOptions): { at: number; pinned: boolean } {
    if (typeof options !== 'object' || options === null)
      throw new TypeError('options must be an options object');
    for (const key of ['affinity', 'prefer'] as const) {
      const value = options[key];
      if (value !== undefined && (!Number.isInteger(value) || value < 0 || value >= this.count)) {
        throw new RangeError(
          `options.${key} must be a scheduler index from 0 to ${this.count - 1}, got ${String(value)}`,
        );
      }
    }
    if (this.#hints) {
      if (options.affinity !== undefined) return { at: options.affinity, pinned: true };
      if (options.group !== undefined) {
        let at = this.#groups.get(options.group);
        if (at === undefined) {
          at = this.#twoChoices(-1);
          this.#groups.set(options.group, at);
        }
        return { at, pinned: true };
      }
      if (options.prefer !== undefined) return { at: options.prefer, pinned: false };
    }
    return { at: this.#twoChoices(-1), pinned: false };
  }

  #twoChoices(excluding: number): number {
    return twoChoices(this.count, excluding, this.#loadOf);
  }

  /** Starts `request` on scheduler `at`; throws, having done nothing, if it cannot be sent. */
  #send(at: number, request: PortableRequest): void {
    if (at === 0) this.#host.start(request);
    else this.#channel.send(at, { t: 'spawn', request } satisfies ToWorker);
    this.#table.place(at, 1);
  }

  #deliver(message: GroupMessage): void {
    switch (message.t) {
      case 'done':
        this.#settle(message.id, message.ok ? { ok: true, value: message.value } : message);
        return;
      case 'shed':
        this.#shedding.delete(message.from);
        this.#moveAway(message.from, message.requests);
        return;
      case 'ready':
        this.#starting.get(message.from)?.resolve();
        this.#starting.delete(message.from);
        return;
      case 'failed':
        this.#starting.get(message.from)?.reject(message.error);
        this.#starting.delete(message.from);
    }
  }

  async #installLocal(): Promise<void> {
    const parts = {
      index: 0,
      count: this.count,
      scheduler: this.local,
      channel: this.#channel,
      table: this.#table,
    };
    const services = await installServices(this.#serviceSpecs, parts);
    this.#services = services;
    for (const [message, service, address] of this.#early.splice(0)) this.#take(message, service, address);
  }

  #settle(id: number, outcome: Outcome): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    this.#table.place(pending.at, -1);
    if (outcome.ok) pending.resolve(outcome.value);
    else pending.reject(outcome.error);
  }

  /** Places tasks shed by scheduler `from` on the others. */
  #moveAway(from: number, requests: PortableRequest[]): void {
    for (const request of requests) {
      const pending = this.#pending.get(request.id);
      if (pending === undefined) continue;
      this.#table.place(from, -1);
      const to = this.#twoChoices(from);
      pending.at = to;
      this.#table.migrated(from, to, 1);
      this.#send(to, request);
    }
  }

  /**
   * The tasks on scheduler `index`: the portable ones placed there and not ended (those on their way
   * included, so that decisions made in a burst do not all pile onto one scheduler) and, on this
   * thread, the closures as well.
   */
  readonly #loadOf = (index: number): number => this.#load(index);

  #load(index: number): number {
    const placed = this.#table.placed(index);
    if (index !== 0) return placed;
    // Tasks spawned on this thread's scheduler directly are not placed; those a service placed
    // here (an actor's processes) are counted in both: the larger count, not the sum.
    const local = this.local;
    return Math.max(placed, local.runnableCount + local.waitingCount);
  }

  /**
   * Asks the most loaded scheduler to shed movable tasks when it carries two or more than the least,
   * one request at a time per scheduler.
   */
  #rebalance(): void {
    if (this.#stopping || this.count < 2) return;
    const loads = Array.from({ length: this.count }, (_, i) => this.#load(i));
    let most = 0;
    let least = 0;
    for (let i = 1; i < this.count; i++) {
      if ((loads[i] as number) > (loads[most] as number)) most = i;
      if ((loads[i] as number) < (loads[least] as number)) least = i;
    }
    const excess = Math.floor(((loads[most] as number) - (loads[least] as number)) / 2);
    if (excess < 1) return;
    if (most === 0) {
      const requests = this.#host.shed(excess);
      if (this.#services !== undefined) shedFromServices(this.#services, excess - requests.length);
      this.#moveAway(0, requests);
    } else if (!this.#shedding.has(most)) {
      this.#shedding.add(most);
      this.#channel.send(most, { t: 'shed', count: excess } satisfies ToWorker);
    }
  }

  #startWorker(index: number): void {
    const data: WorkerData = {
      index,
      heap: this.#heap.buffer,
      inboxes: this.#inboxes,
      table: this.#table.buffer,
      maxSlicesPerTurn: this.#options.maxSlicesPerTurn,
      maxTurnMs: this.#options.maxTurnMs,
      maxHandOffsPerSlice: this.#options.maxHandOffsPerSlice,
      spinMs: this.#spinMs,
      count: this.count,
      services: this.#serviceSpecs,
      shared: this.#shared,
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: data,
      resourceLimits: this.#options.resourceLimits,
    });
    this.#workers[index] = worker;
    let failure: unknown;
    worker.on('error', (error) => {
      failure = error;
    });
    worker.on('exit', () => {
      if (this.#stopping) return;
      this.#schedulerDown(index, failure);
    });
  }

  /**
   * A worker died: its tasks end with `scheduler_down`, the services everywhere are told, and a
   * replacement takes new work from the same inbox (whose buffer every thread holds already).
   */
  #schedulerDown(index: number, cause: unknown): void {
    const starting = this.#starting.get(index);
    if (starting !== undefined) {
      this.#starting.delete(index);
      starting.reject(new SchedulerDownError(index, cause));
      return;
    }
    for (const [id, pending] of this.#pending) {
      if (pending.at !== index) continue;
      this.#pending.delete(id);
      pending.reject(new SchedulerDownError(index, cause));
    }
    this.#table.clearPlaced(index);
    this.#shedding.delete(index);
    // Free what the dead scheduler never read: its tasks are reported already, and messages for
    // its processes go nowhere, like messages to any process that has died. The queue itself is
    // lock-free, so a thread dying in the middle of an operation leaves it whole (only the spare
    // nodes that thread held are lost).
    this.#channel.discard(index);
    for (let i = 1; i < this.count; i++) {
      if (i !== index) this.#channel.send(i, { t: 'down', index, cause } satisfies ToWorker);
    }
    announceDown(this.#services ?? [], index, cause);
    this.#startWorker(index);
  }
}

function checkServices(services: unknown): ServiceSpec[] {
  if (services === undefined) return [];
  if (!Array.isArray(services))
    throw new TypeError('options.services must be an array of { module, options }');
  services.forEach((spec, i) => {
    if (typeof spec !== 'object' || spec === null || typeof spec.module !== 'string') {
      throw new TypeError(`options.services[${i}] must be { module: string (a URL), options?: unknown }`);
    }
  });
  return services;
}

/**
 * Starts one scheduler per core: scheduler 0 on this thread, the others on worker threads.
 *
 * @example
 * ```ts
 * const group = startSchedulers({ count: 2 });
 * const sum = await group.spawnPortable({ module: new URL('./work.js', import.meta.url).href, name: 'sum', args: [1e6] });
 * await group.stop();
 * ```
 */
export function startSchedulers(options: GroupOptions = {}): SchedulerGroup {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('options must be an options object');
  return new SchedulerGroup(options);
}
