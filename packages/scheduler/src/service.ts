import type { Channel } from './channel.js';
import type { LoadTable } from './load-table.js';
import type { Scheduler } from './scheduler.js';
import { nearChoice, twoChoices } from './two-choices.js';

/**
 * A service: code that runs beside the scheduler on every core of a group, and talks to its
 * counterparts on the other cores over the cross-core channel. `@beamish/actors` is one: its
 * process runtime is installed on each scheduler this way. The module at `module` exports
 * `install(core, options)`, which returns the service's handlers (or a promise of them).
 */
export interface ServiceSpec {
  /** The module's URL, e.g. `new URL('./runtime.js', import.meta.url).href`. */
  module: string;
  /** Passed to `install` on every core; copied as `workerData` is, so `SharedArrayBuffer`s are shared. */
  options?: unknown;
}

/** What a service sees of the scheduler it runs beside. */
export interface Core {
  /** This scheduler's index: 0 on the thread that started the group. */
  readonly index: number;
  /** How many schedulers the group has. */
  readonly count: number;
  /** The scheduler on this thread. */
  readonly scheduler: Scheduler;
  /**
   * Sends `message` to this service on scheduler `to` (this one included), over the channel: in
   * order, batched per synchronous run, held back while the inbox is full. With `share`, views on
   * the group's `sharedBuffers` go by reference instead of being copied.
   *
   * @throws CodecError naming where in `message` a value cannot be copied.
   */
  send(to: number, message: unknown, share?: boolean): void;
  /**
   * Sends `message` for `address`, one of the service's own addressees (for the actors runtime, a
   * process's pid), to this service on scheduler `to`: its `receiveAddressed(address, message)` gets
   * them. The same as `send(to, [address, message])` to a service that unpacks the pair, but
   * neither the pair nor the service's envelope is made: the channel carries the service and the
   * address beside the message. Ordered with `send`.
   *
   * @throws CodecError naming where in `message` a value cannot be copied; TypeError when `address`
   *   is not a number.
   */
  sendAddressed(to: number, address: number, message: unknown, share?: boolean): void;
  /**
   * Throws what `send` would throw for `message`, sending nothing: for a message the service holds
   * back before sending it.
   */
  check(message: unknown, share?: boolean): void;
  /**
   * A scheduler picked by the power of two random choices over the load table's `placed` counts,
   * other than `excluding` if given.
   */
  pick(excluding?: number): number;
  /**
   * A scheduler for a task spawned on this one: this one, unless its `placed` count is ahead of the
   * less loaded of two random choices by more than a few tasks or a sixteenth, which then gets it.
   */
  placeNear(): number;
  /** Counts `delta` more (or fewer) placed tasks on scheduler `index`, for `pick` and rebalancing. */
  adjustLoad(index: number, delta: number): void;
}

/** The handlers a service's `install` returns. */
export interface Service {
  /**
   * A message another core's instance of this service sent here. An error thrown here is uncaught
   * on a worker thread: the thread dies and is reported down and replaced, like any crashed worker.
   */
  receive(message: unknown): void;
  /**
   * A message another core's instance sent with `sendAddressed`. A service without this handler gets
   * such a message as `receive([address, message])`.
   */
  receiveAddressed?(address: number, message: unknown): void;
  /** Scheduler `index`'s thread died; a replacement is starting on the same inbox. */
  schedulerDown?(index: number, cause: unknown): void;
  /**
   * Rebalancing asks this scheduler, the most loaded, to move up to `count` of the service's tasks
   * to other schedulers; returns how many it is moving.
   */
  shed?(count: number): number;
}

/** The export a service module provides. */
export type InstallService = (core: Core, options: unknown) => Service | Promise<Service>;

/**
 * A service's message as it travels on the channel: the service's index in the group's list, then
 * its message. An array, not an object, because the codec writes and rebuilds a short array several
 * times faster than an object with keys. What `sendAddressed` sends travels without one: the
 * channel carries the service and address beside the message.
 */
export type ServiceMessage = [service: number, message: unknown];

/** Tells a service's message from the group's own (objects with a `t`). */
export const isServiceMessage = (message: unknown): message is ServiceMessage => Array.isArray(message);

/** Imports and installs every service of `specs` on the thread of `parts`, in order. */
export async function installServices(specs: readonly ServiceSpec[], parts: CoreParts): Promise<Service[]> {
  const services: Service[] = [];
  for (let s = 0; s < specs.length; s++) {
    const spec = specs[s] as ServiceSpec;
    const exports = (await import(spec.module)) as { install?: InstallService };
    if (typeof exports.install !== 'function') {
      throw new TypeError(`options.services[${s}].module: ${spec.module} exports no install function`);
    }
    services.push(await exports.install(makeCore(parts, s), spec.options));
  }
  return services;
}

/** What a thread's cores are made of: the same on scheduler 0 and on every worker. */
export interface CoreParts {
  index: number;
  count: number;
  scheduler: Scheduler;
  channel: Channel;
  table: LoadTable;
}

/** The `Core` that service `service` sees on the thread of `parts`. */
export function makeCore(parts: CoreParts, service: number): Core {
  const { index, count, scheduler, channel, table } = parts;
  const placed = (i: number) => table.placed(i);
  return {
    index,
    count,
    scheduler,
    send: (to, m, share) => channel.send(to, [service, m] satisfies ServiceMessage, share),
    sendAddressed: (to, address, m, share) => channel.sendAddressed(to, service, address, m, share),
    check: (m, share) => channel.check([service, m] satisfies ServiceMessage, share),
    pick: (excluding = -1) => twoChoices(count, excluding, placed),
    placeNear: () => nearChoice(index, count, placed),
    adjustLoad: (i, delta) => table.place(i, delta),
  };
}

/** Hands a service message to its service. */
export function deliverToService(services: readonly Service[], message: ServiceMessage): void {
  services[message[0]]?.receive(message[1]);
}

/** Hands `message`, sent with `sendAddressed`, to service `index`'s handler for `address`. */
export function deliverAddressed(
  services: readonly Service[],
  index: number,
  address: number,
  message: unknown,
): void {
  const service = services[index];
  if (service === undefined) return;
  if (service.receiveAddressed !== undefined) service.receiveAddressed(address, message);
  else service.receive([address, message]);
}

/** Asks the services, in order, to move up to `count` tasks away; returns how many they move. */
export function shedFromServices(services: readonly Service[], count: number): number {
  let moved = 0;
  for (const service of services) if (moved < count) moved += service.shed?.(count - moved) ?? 0;
  return moved;
}

/** Tells every service that scheduler `index` went down. */
export function announceDown(services: readonly Service[], index: number, cause: unknown): void {
  for (const service of services) service.schedulerDown?.(index, cause);
}
