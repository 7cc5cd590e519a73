import { checkCount } from './check-count.js';
import { Checkpoint, Park, Sleep, TIMED_OUT, Wait } from './instructions.js';
import { NewbornLane } from './newborn-lane.js';
import { RunQueue } from './run-queue.js';
import { type Outcome, resumeGenerator, Task, type TaskBody } from './task.js';
import { TimerHeap } from './timer-heap.js';

/** Options of one scheduler. */
export interface SchedulerOptions {
  /**
   * Slices a turn may run before the scheduler yields to the Node event loop, so that I/O, timers
   * and cross-core traffic are never starved (Effect's `MaxOpsBeforeYield`).
   *
   * @defaultValue 2048
   */
  maxSlicesPerTurn?: number | undefined;
  /**
   * Milliseconds a turn may last before it yields, however few slices it ran (the clock is read
   * every 64 slices). This bounds how late a timer can fire while the scheduler is saturated.
   *
   * @defaultValue 1
   */
  maxTurnMs?: number | undefined;
  /**
   * Slices that hand-offs (see `handOff`) may run inside one slice; past that, woken tasks join the
   * queue. 0 turns hand-offs off, so that every slice runs at the bottom of a turn's stack: a task
   * that needs deep recursion then never runs on top of the stack of the task that woke it.
   *
   * @defaultValue 64
   */
  maxHandOffsPerSlice?: number | undefined;
}

/** A scheduler's counters, from `scheduler.stats()`. */
export interface SchedulerStats {
  /** Tasks waiting for their next slice. */
  runnable: number;
  /** Tasks sleeping or waiting for a promise or a message. */
  waiting: number;
  /** Slices run since the scheduler started. */
  slices: number;
  /** Tasks started and finished since the scheduler started. */
  spawned: number;
  finished: number;
  /** The share of wall time since the scheduler started that it spent running slices, 0 to 1. */
  busy: number;
}

const CLOCK_EVERY = 64;

/**
 * Tasks not yet run go first, up to this many slices in a row; then the queue gets one. A tree of
 * processes, where each new process spawns ten, needs at least one in ten for the parents that its
 * leaves have woken, or they pile up in the queue.
 */
const NEWBORN_STREAK = 4;

/** Slices a task not yet run may wait ahead of the queue; then it joins the queue. */
const NEWBORN_PATIENCE = 2 ** 20;

function checkBudget(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0)) {
    throw new RangeError(`${name} must be a number greater than 0, got ${String(value)}`);
  }
  return value;
}

/** The longest delay `setTimeout` takes (2^31 − 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Runs tasks on one thread, one slice at a time in round-robin order: a slice is one step of the
 * task's generator, up to its next `yield`. Many slices run per turn of the event loop; after
 * `maxSlicesPerTurn` slices or `maxTurnMs` milliseconds the scheduler yields (`setImmediate`), so
 * I/O and timers run between turns. Sleeping tasks wait on a timer heap, tasks waiting for a
 * promise on the promise; an idle scheduler holds no timer and spins nothing.
 *
 * @example
 * ```ts
 * const scheduler = new Scheduler();
 * const task = scheduler.spawn(function* () {
 *   let sum = 0;
 *   for (let i = 0; i < 1000; i++) {
 *     sum += i;
 *     yield; // one slice ends here: other tasks on this thread run
 *   }
 *   return sum;
 * });
 * console.log(await task); // 499500
 * ```
 */
export class Scheduler {
  readonly #runnable = new RunQueue<Task>();
  /**
   * Tasks not run yet, the latest started first. They go ahead of the queue: a tree of tasks then
   * runs depth first, its leaves finishing while their parents are fresh, instead of breadth first
   * with most of the tree alive at once, which would fill V8's young generation with survivors to
   * copy.
   */
  readonly #newborn = new NewbornLane<Task>();
  /** Slices run from the lane since the queue's last, carried from one turn to the next. */
  #streak = 0;
  /** Tasks started since the last slice (or since the turn began), in the order started. */
  readonly #born = new RunQueue<Task>();
  readonly #sleeping = new TimerHeap<Task>();
  readonly #maxSlices: number;
  readonly #maxTurnMs: number;
  /**
   * Hand-off slices per slice (`maxHandOffsPerSlice`). A budget, because two tasks that answer each
   * other would otherwise hold the thread for ever, each finding its answer waiting when it looks.
   */
  readonly #handOffBudget: number;
  readonly #startedAt = performance.now();
  #slices = 0;
  #spawned = 0;
  #finished = 0;
  #waiting = 0;
  #busyMs = 0;
  #current: Task | undefined = undefined;
  /** True while a task's body runs: only code called from a body hands off (see `handOff`). */
  #inBody = false;
  /** The task whose body is running the hand-offs, while they run. */
  #handingOff: Task | undefined = undefined;
  /** A task woken by a hand-off's slice: it runs next, in the same hand-off. */
  #handedNext: Task | undefined = undefined;
  /** The task whose handed-off slice is running (or about to). */
  #handedRunning: Task | undefined = undefined;
  /** Its slice count before that slice: whether the slice started, should the stack run out. */
  #handedSlices = 0;
  /** An error thrown around a handed-off slice, for the turn to throw (see `#recoverHandOffs`). */
  #handOffError: { error: unknown } | undefined = undefined;
  /** Hand-off slices the running slice may still run. */
  #handOffsLeft = 0;
  /** Tasks waiting for a time (sleeping, or parked with a timeout). */
  #timed = 0;
  #turnScheduled = false;
  #inTurn = false;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** @internal Called at the start of every turn, e.g. to take messages from an inbox. */
  poll: (() => void) | undefined;
  /** @internal Called after a turn that left nothing runnable, e.g. to sleep on a doorbell. */
  onIdle: (() => void) | undefined;

  constructor(options: SchedulerOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`options must be an options object, got ${String(options)}`);
    }
    this.#maxSlices = checkBudget('options.maxSlicesPerTurn', options.maxSlicesPerTurn, 2048);
    this.#maxTurnMs = checkBudget('options.maxTurnMs', options.maxTurnMs, 1);
    this.#handOffBudget = checkCount('options.maxHandOffsPerSlice', options.maxHandOffsPerSlice, 0, 64);
  }

  /**
   * Starts a task on this scheduler. Its first slice runs after the slice that started it (or in the
   * next turn, when started from outside a task), ahead of most tasks already queued (the README's
   * "Tasks not yet run go first"); never inside `spawn`.
   *
   * @param body - a generator function (or a generator already made) whose every `yield` ends a slice.
   * @throws TypeError when `body` is neither.
   */
  spawn<T>(body: TaskBody<T> | Generator<unknown, T, unknown>): Task<T> {
    const generator = typeof body === 'function' ? body() : body;
    if (typeof generator !== 'object' || generator === null || typeof generator.next !== 'function') {
      throw new TypeError(`body must be a generator function (function* () { … }), got ${typeof body}`);
    }
    const task = new Task<T>(generator);
    this.start(task);
    return task;
  }

  /**
   * @internal Starts a task made by the caller: an instance of a subclass of `Task` that carries its
   * own state, which saves a second object per task. Its first slice runs as `spawn`'s does.
   */
  start(task: Task<unknown>): void {
    this.#spawned++;
    this.#born.push(task);
    this.wake();
  }

  /** Counters for this scheduler. */
  stats(): SchedulerStats {
    return {
      runnable: this.runnableCount,
      waiting: this.waitingCount,
      slices: this.#slices,
      spawned: this.#spawned,
      finished: this.#finished,
      busy: this.busyShare(),
    };
  }

  // The counters one by one, for code that reads them every turn and should not make an object.
  /** Tasks waiting for their next slice. */
  get runnableCount(): number {
    return this.#runnable.length + this.#newborn.length + this.#born.length;
  }
  /** Tasks sleeping or waiting for a promise or a message. */
  get waitingCount(): number {
    return this.#waiting;
  }
  /** Slices run since the scheduler started. */
  get slicesRun(): number {
    return this.#slices;
  }
  /** The share of wall time since the scheduler started that it spent running slices, 0 to 1. */
  busyShare(): number {
    const elapsed = performance.now() - this.#startedAt;
    return elapsed > 0 ? Math.min(1, this.#busyMs / elapsed) : 0;
  }

  /** The task whose slice is running, if any: code called from a task finds out which one. */
  get current(): Task | undefined {
    return this.#current;
  }

  /**
   * Resumes a task that yielded a {@link Park}, with `value` as what its `yield` returns.
   *
   * @returns false, doing nothing, when `task` is not parked (it timed out, ended, or never parked).
   */
  unpark<T>(task: Task<T>, value: unknown): boolean {
    if (!this.#unpark(task, value)) return false;
    this.#runnable.push(task);
    this.wake();
    return true;
  }

  /**
   * Makes a task parked on a `Park` runnable with `value`, its timer forgotten, and leaves it to the
   * caller to run or queue (`unpark`, `handOff`). False, doing nothing, for a task not so parked.
   */
  #unpark(task: Task, value: unknown): boolean {
    if (task.state !== 'waiting') return false;
    // A park without a timeout has no timer to forget.
    const parked = task.resumeWith;
    if (parked !== Park.forever) {
      if (!(parked instanceof Park)) return false;
      this.#forgetWake(task);
    }
    this.#runnableWith(task, value, false);
    return true;
  }

  /** A waiting task becomes runnable, to be resumed with `value` (thrown into it when `throws`). */
  #runnableWith(task: Task, value: unknown, throws: boolean): void {
    task.state = 'runnable';
    task.resumeWith = value;
    task.resumeThrows = throws;
    this.#waiting--;
  }

  /**
   * Resumes a parked task as `unpark(task, undefined)` does, but, called from a task's body, runs
   * the woken task's slice at once, before that body goes on: a hand-off. A process that sends a
   * message to one waiting for it then has it handled without a trip through the run queue, and
   * often finds the answer waiting when it looks. A task that the handed-off slice wakes in turn
   * runs after it, in the same way, never one inside another (the first it wakes; others queue).
   * One slice may hand off `maxHandOffsPerSlice` slices (64 by default); past that, and from
   * outside a body, woken tasks join the queue as `unpark`'s do. A handed-off slice runs on top of
   * the caller's stack: a body deep in a recursion leaves it less room.
   *
   * @example
   * ```ts
   * const inbox: string[] = [];
   * const worker = scheduler.spawn(function* () {
   *   for (;;) {
   *     while (inbox.length > 0) console.log('handled', inbox.shift());
   *     yield Park.forever;
   *   }
   * });
   * scheduler.spawn(function* () {
   *   yield; // the worker has parked
   *   inbox.push('job');
   *   scheduler.handOff(worker); // logs "handled job" before this body goes on
   * });
   * ```
   * @returns false, doing nothing, when `task` is not parked (it timed out, ended, or never parked).
   */
  handOff(task: Task): boolean {
    if (!this.#inBody || this.#handOffsLeft === 0) return this.unpark(task, undefined);
    // Left over from a hand-off that the stack ran out in (see `#recoverHandOffs`): queue.
    if (this.#handingOff === undefined && this.#handedRunning !== undefined)
      return this.unpark(task, undefined);
    if (!this.#unpark(task, undefined)) return false;
    if (this.#handedNext !== undefined) {
      this.#queue(task); // one task waits in the slot at most
      return true;
    }
    // In the slot before anything runs: whatever goes wrong, the turn finds it there.
    this.#handedNext = task;
    if (this.#handingOff === undefined) this.#runHandOffs();
    return true;
  }

  /**
   * Runs the slot's task inside the running body, then the task its slice put in the slot, and so
   * on: a loop, so that a chain of hand-offs (a token going round a ring) does not nest. A task
   * stays in a field (`#handedNext`, then `#handedRunning`) until its slice has run: should the stack
   * run out on the way, even in a `catch`, the turn finds it there and queues it.
   */
  #runHandOffs(): void {
    const caller = this.#current as Task;
    this.#handingOff = caller;
    try {
      for (let task = this.#handedNext; task !== undefined; task = this.#handedNext) {
        this.#handedRunning = task;
        this.#handedNext = undefined;
        // A task in the slot may have been cancelled or moved since it was woken.
        if (task.state === 'runnable') {
          if (this.#handOffsLeft === 0) {
            this.#queue(task);
            this.#handedRunning = undefined;
            break;
          }
          this.#handOffsLeft--;
          this.#handedSlices = task.slices;
          this.#runSlice(task);
        }
        this.#handedRunning = undefined;
      }
    } catch (error) {
      // Thrown by the bookkeeping around a slice (a body's own errors end its task), or the stack
      // ran out. Kept for the turn, where it would have been thrown without the hand-off: not at
      // the caller, whose body did nothing wrong. (Only assignments here: a call could overflow.)
      this.#handOffError = { error };
    } finally {
      this.#current = caller;
      this.#inBody = true;
      this.#handingOff = undefined;
    }
  }

  /**
   * Cleans up after hand-offs that did not finish (a budget spent, an error, a stack that ran out),
   * from the turn, where the stack is short. A task left in the slot, or whose slice never started,
   * is queued. One whose slice started but did not get to park, yield or end (the stack ran out in
   * its bookkeeping) ends with the error: its generator's state is not known, and an end that its
   * links and monitors hear of is better than one resumed from an unknown point. The error is
   * thrown from a microtask, as it would have left the turn.
   */
  #recoverHandOffs(): void {
    const next = this.#handedNext;
    const running = this.#handedRunning;
    const thrown = this.#handOffError;
    this.#handedNext = undefined;
    this.#handedRunning = undefined;
    this.#handOffError = undefined;
    if (next?.state === 'runnable') this.#runnable.push(next);
    if (running?.state === 'runnable') {
      if (running.slices === this.#handedSlices) this.#runnable.push(running);
      else this.#close(running, thrown?.error ?? new RangeError('a slice run by a hand-off did not finish'));
    }
    if (thrown !== undefined) {
      queueMicrotask(() => {
        throw thrown.error;
      });
    }
  }

  /** @internal The task whose body is suspended under running hand-offs, if any. */
  get handingOff(): Task | undefined {
    return this.#handingOff;
  }

  /** @internal No more hand-offs in the running slice: woken tasks join the queue. */
  holdHandOffs(): void {
    this.#inBody = false;
  }

  /** Queues a task made runnable by a hand-off that will not run it (unless it ended since). */
  #queue(task: Task): void {
    if (task.state !== 'runnable') return;
    this.#runnable.push(task);
    this.wake();
  }

  /**
   * Ends `task` now with `error` as its outcome, whatever it is doing: its generator is returned, so
   * its `finally` blocks run (a `yield` inside one is not resumed). Called from inside the task's
   * own slice, the task ends when the slice does.
   *
   * @returns false when the task had ended already.
   */
  cancel<T>(task: Task<T>, error: unknown): boolean {
    if (task.state === 'done' || task.cancelWith !== undefined) return false;
    if (task === this.#current || task === this.#handingOff) {
      task.cancelWith = { error };
      return true;
    }
    // A runnable task stays in the run queue and is skipped when its turn comes.
    if (task.state === 'waiting') this.#waiting--;
    this.#forgetWake(task);
    task.state = 'done';
    this.#close(task, error);
    return true;
  }

  /**
   * @internal Runs a turn now, unless one is running: for an idle hook that finds work while
   * already inside an event-loop callback (saves the trip a `wake` would take).
   */
  turnNow(): void {
    if (!this.#inTurn) this.#turn();
  }

  /** @internal Makes sure a turn will run soon (after new work arrived from outside). */
  wake(): void {
    if (this.#turnScheduled || this.#inTurn) return;
    this.#turnScheduled = true;
    setImmediate(this.#turn);
  }

  /** @internal Resumes a waiting task with a value, or an error to throw into it. */
  resume(task: Task, value: unknown, throws: boolean): void {
    if (task.state !== 'waiting') return;
    this.#runnableWith(task, value, throws);
    this.#runnable.push(task);
    this.wake();
  }

  /**
   * @internal Takes up to `max` of `candidates` that are runnable and that `movable` accepts off this
   * scheduler (they end here as if never started); the caller restarts them elsewhere. Only the
   * candidates are looked at, not the run queue, which may hold a great many tasks that cannot move:
   * a withdrawn task's entry there is skipped when its turn comes, as a cancelled one's is.
   */
  withdraw(candidates: Iterable<Task>, movable: (task: Task) => boolean, max: number): Task[] {
    const withdrawn: Task[] = [];
    for (const task of candidates) {
      if (withdrawn.length >= max) break;
      if (task.state !== 'runnable' || task === this.#current || task === this.#handingOff || !movable(task))
        continue;
      task.state = 'done';
      this.#spawned--;
      withdrawn.push(task);
    }
    return withdrawn;
  }

  readonly #turn = (): void => {
    this.#turnScheduled = false;
    this.#inTurn = true;
    const started = performance.now();
    try {
      this.poll?.();
      this.#wakeSleepers(started);
      const queue = this.#runnable;
      const newborn = this.#newborn;
      const born = this.#born;
      const maxSlices = this.#maxSlices;
      const deadline = started + this.#maxTurnMs;
      let ran = 0;
      let clockAt = CLOCK_EVERY;
      let streak = this.#streak;
      while (ran < maxSlices) {
        let task: Task;
        // Those started since the last slice, or since the turn began (from outside, or by `poll`).
        if (born.length > 0) newborn.adopt(born, this.#slices + ran);
        if (newborn.length > 0) newborn.expire(this.#slices + ran, NEWBORN_PATIENCE, queue);
        // A task cancelled while it waited for its turn is dropped without using up that turn.
        if (newborn.length > 0 && (streak < NEWBORN_STREAK || queue.length === 0)) {
          task = newborn.shift();
          if (task.state === 'done') continue;
          streak++;
        } else if (queue.length > 0) {
          task = queue.shift();
          if (task.state === 'done') continue;
          streak = 0;
        } else break;
        this.#handOffsLeft = this.#handOffBudget;
        this.#runSlice(task);
        // The slices its hand-offs ran count too.
        ran += 1 + this.#handOffBudget - this.#handOffsLeft;
        // (An error kept by a hand-off always leaves its task in #handedRunning.)
        if (this.#handedNext !== undefined || this.#handedRunning !== undefined) this.#recoverHandOffs();
        if (ran >= clockAt) {
          if (performance.now() >= deadline) break;
          clockAt = ran + CLOCK_EVERY;
        }
      }
      this.#streak = streak;
      this.#slices += ran;
    } finally {
      // Set by each slice and left there until the turn ends: between slices only the
      // scheduler's own bookkeeping for the task just run can ask.
      this.#current = undefined;
      this.#inTurn = false;
      const now = performance.now();
      this.#busyMs += now - started;
      if (this.runnableCount > 0) this.wake();
      else {
        this.#armTimer(now);
        this.onIdle?.();
      }
    }
  };

  // The common slices — a plain `yield`, and a park without a timeout (a process waiting for a
  // message) — are kept short, so that the engine inlines them into the turn's loop; everything
  // else goes to #afterSlice.
  #runSlice(task: Task): void {
    let step: IteratorResult<unknown, unknown>;
    this.#current = task;
    this.#inBody = true;
    // Counted as it starts: a process that a hand-off runs inside this slice sees it counted.
    task.slices++;
    try {
      if (task.resumeThrows) {
        const error = task.resumeWith;
        task.resumeWith = undefined;
        task.resumeThrows = false;
        step = task.generator.throw(error);
      } else {
        const value = task.resumeWith;
        task.resumeWith = undefined;
        step = task.plainGenerator ? resumeGenerator.call(task.generator, value) : task.generator.next(value);
      }
    } catch (error) {
      this.#inBody = false;
      const cancelled = task.cancelWith;
      this.#end(task, { ok: false, error: cancelled === undefined ? error : cancelled.error });
      return;
    }
    this.#inBody = false;
    if (step.done !== true && task.cancelWith === undefined) {
      const yielded = step.value;
      if (yielded === undefined) {
        this.#runnable.push(task);
        return;
      }
      if (yielded === Park.forever) {
        this.#park(task, Park.forever);
        return;
      }
    }
    this.#afterSlice(task, step);
  }

  /** A slice that ended the task, was cancelled from inside, or yielded an instruction. */
  #afterSlice(task: Task, step: IteratorResult<unknown, unknown>): void {
    if (task.cancelWith !== undefined) {
      if (step.done !== true) this.#close(task, task.cancelWith.error);
      else this.#end(task, { ok: false, error: task.cancelWith.error });
      return;
    }
    if (step.done === true) {
      this.#end(task, { ok: true, value: step.value });
      return;
    }
    const yielded = step.value;
    // Park first: a receive with a timeout yields one (one without, Park.forever, parks above).
    if (yielded instanceof Park) this.#park(task, yielded);
    else if (yielded instanceof Sleep) {
      this.#suspend(task);
      this.#wakeAt(task, yielded.ms);
    } else if (yielded instanceof Wait) {
      this.#suspend(task);
      yielded.promise.then(
        (value) => this.resume(task, value, false),
        (error) => this.resume(task, error, true),
      );
    } else {
      if (yielded instanceof Checkpoint) task.snapshot = yielded.state;
      this.#runnable.push(task);
    }
  }

  /** Returns the generator of a cancelled task (running its `finally` blocks) and ends the task. */
  #close(task: Task, error: unknown): void {
    task.state = 'done';
    // Its `finally` blocks run as the task itself (they may ask who is running), and hand off to
    // nobody: they run inside somebody else's slice, or the scheduler's.
    const current = this.#current;
    const inBody = this.#inBody;
    this.#current = task;
    this.#inBody = false;
    try {
      task.generator.return(undefined as never);
    } catch {
      // A finally block that throws: the task ends with the cancellation all the same.
    } finally {
      this.#current = current;
      this.#inBody = inBody;
    }
    this.#end(task, { ok: false, error });
  }

  #wakeAt(task: Task, ms: number): void {
    const at = performance.now() + ms;
    task.wakeAt = at;
    this.#timed++;
    this.#sleeping.add(at, task);
  }

  /**
   * The task no longer waits for a time. Its heap entry goes stale (and is skipped); once no task
   * waits for a time the heap goes and the Node timer stops keeping Node alive, so that a cancelled
   * sleeper keeps nothing alive.
   */
  #forgetWake(task: Task): void {
    if (task.wakeAt === undefined) return;
    task.wakeAt = undefined;
    if (--this.#timed === 0) {
      this.#sleeping.clear();
      this.#armTimer(performance.now());
    }
  }

  #park(task: Task, park: Park): void {
    this.#suspend(task);
    // Remembered (in the slot the resume value goes to) so that `unpark` knows the task parked.
    task.resumeWith = park;
    if (park.ms !== Number.POSITIVE_INFINITY) this.#wakeAt(task, park.ms);
  }

  #suspend(task: Task): void {
    task.state = 'waiting';
    this.#waiting++;
  }

  #end(task: Task, outcome: Outcome<unknown>): void {
    this.#finished++;
    task.finish(outcome);
  }

  #wakeSleepers(now: number): void {
    const sleeping = this.#sleeping;
    while (sleeping.size > 0 && sleeping.next <= now) {
      const at = sleeping.next;
      const task = sleeping.pop();
      // An entry for another time is stale: the task was unparked since, and may wait again.
      if (task.wakeAt !== at || task.state !== 'waiting') continue;
      task.wakeAt = undefined;
      this.#timed--;
      this.resume(task, task.resumeWith instanceof Park ? TIMED_OUT : undefined, false);
    }
  }

  /**
   * Keeps one Node timer that fires no later than the earliest sleeper is due. A timer that would
   * fire too early is kept (the turn it starts arms the next), and one nobody needs any more is
   * unref'd rather than cleared: a `receive` with a timeout that is answered in time then costs no
   * `setTimeout`/`clearTimeout` pair, and a timer left over keeps nothing alive.
   */
  #armTimer(now: number): void {
    const at = this.#sleeping.next;
    const timer = this.#timer;
    if (at === Number.POSITIVE_INFINITY) {
      timer?.unref();
      return;
    }
    if (timer !== undefined && this.#timerAt <= at) {
      timer.ref();
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    this.#timerAt = at;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.wake();
      },
      // Node fires a longer timeout at once (with a warning): the turn it starts arms the rest.
      Math.min(MAX_TIMEOUT_MS, Math.max(0, at - now)),
    );
  }
}
