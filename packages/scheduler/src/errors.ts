const SCHEDULER_DOWN = Symbol.for('beamish.scheduler.SchedulerDownError');

/**
 * The end of a task whose scheduler's thread died (an uncaught error, `process.exit` in the worker,
 * `resourceLimits` exceeded). Its `reason` is `'scheduler_down'`, as the actors layer reports it.
 */
export class SchedulerDownError extends Error {
  readonly reason = 'scheduler_down';
  /** Which scheduler went down. */
  readonly scheduler: number;
  readonly [SCHEDULER_DOWN] = true;

  constructor(scheduler: number, cause?: unknown) {
    super(`scheduler_down: scheduler ${scheduler}'s worker thread died`, { cause });
    this.name = 'SchedulerDownError';
    this.scheduler = scheduler;
  }

  /** True for a `SchedulerDownError` from any copy of this package. */
  static isInstance(value: unknown): value is SchedulerDownError {
    return typeof value === 'object' && value !== null && SCHEDULER_DOWN in value;
  }
}
