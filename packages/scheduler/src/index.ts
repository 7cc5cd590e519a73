/**
 * @beamish/scheduler — one scheduler per core: round-robin time slicing of generator tasks,
 * random-but-even placement and rebalancing across worker threads.
 *
 * @packageDocumentation
 */
export { sleep, wait } from './instructions.js';
export { Scheduler, type SchedulerOptions, type SchedulerStats } from './scheduler.js';
export { Task, type TaskBody, type TaskState } from './task.js';
