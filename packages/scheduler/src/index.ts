/**
 * @beamish/scheduler — one scheduler per core: round-robin time slicing of generator tasks,
 * random-but-even placement and rebalancing across worker threads.
 *
 * @packageDocumentation
 */
export { Channel } from './channel.js';
export {
  CodecError,
  copy,
  Decoder,
  defineExtension,
  Encoder,
  type Extension,
  needsNoCopy,
} from './codec/index.js';
export { SchedulerDownError } from './errors.js';
export { type GroupOptions, type PlacementOptions, SchedulerGroup, startSchedulers } from './group.js';
export { Checkpoint, checkpoint, Park, Sleep, sleep, TIMED_OUT, Wait, wait } from './instructions.js';
export type { CoreStats } from './load-table.js';
export { moduleExports, type PortableTask } from './portable.js';
export { Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export type { Core, InstallService, Service, ServiceSpec } from './service.js';
export { type Outcome, Task, type TaskBody, type TaskState } from './task.js';
