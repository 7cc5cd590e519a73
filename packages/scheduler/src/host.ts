import { moduleExports, type PortableRequest, startPortable } from './portable.js';
import type { Scheduler } from './scheduler.js';
import type { Task, Outcome as TaskOutcome } from './task.js';

/** How a portable task ended, as reported to the group. */
export type Outcome = TaskOutcome<unknown>;

/**
 * Runs portable tasks on one scheduler and reports how each ended; hands back, when asked, those
 * that may move: not started yet, or migratable with a checkpoint.
 */
export class PortableHost {
  readonly #scheduler: Scheduler;
  readonly #report: (id: number, outcome: Outcome) => void;
  readonly #tasks = new Map<Task, PortableRequest>();

  constructor(scheduler: Scheduler, report: (id: number, outcome: Outcome) => void) {
    this.#scheduler = scheduler;
    this.#report = report;
  }

  /** Portable tasks running here. */
  get running(): number {
    return this.#tasks.size;
  }

  /** Starts `request` now if its module is loaded, else once it is (in the order asked). */
  start(request: PortableRequest): void {
    const exports = moduleExports(request.module);
    if (exports instanceof Promise) {
      exports.then(
        () => this.start(request),
        (error) => this.#report(request.id, { ok: false, error }),
      );
      return;
    }
    let task: Task;
    try {
      task = startPortable(this.#scheduler, request, exports);
    } catch (error) {
      this.#report(request.id, { ok: false, error });
      return;
    }
    this.#tasks.set(task, request);
    task.onEnd = this.#ended;
  }

  /** Withdraws up to `count` movable tasks and returns them as requests to start elsewhere. */
  shed(count: number): PortableRequest[] {
    const tasks = this.#tasks;
    const movable = (task: Task) => {
      const request = tasks.get(task);
      if (request === undefined || request.pinned === true) return false;
      return task.slices === 0 || (request.migratable === true && task.snapshot !== undefined);
    };
    return this.#scheduler.withdraw(tasks.keys(), movable, count).map((task) => {
      const request = tasks.get(task) as PortableRequest;
      tasks.delete(task);
      return task.snapshot === undefined ? request : { ...request, resumeFrom: task.snapshot };
    });
  }

  /** One handler for every task: the task says which request it ran. */
  readonly #ended = (outcome: Outcome, task: Task): void => {
    const request = this.#tasks.get(task) as PortableRequest;
    this.#tasks.delete(task);
    this.#report(request.id, outcome);
  };
}
