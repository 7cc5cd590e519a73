import { describe, expect, it } from 'vitest';
import { Park, Scheduler, sleep, TIMED_OUT, wait } from '../src/index.js';

/** Waits, a turn of the event loop at a time, until `check()` holds; fails after `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${check}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('Scheduler', () => {
  it('runs busy tasks round-robin: once all have started, each runs once in every round', async () => {
    const scheduler = new Scheduler({ maxSlicesPerTurn: 100 });
    const order: number[] = [];
    const tasks = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) =>
      scheduler.spawn(function* () {
        for (let n = 0; n < 1000; n++) {
          order.push(i);
          yield;
        }
        return i;
      }),
    );
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(tasks.every((task) => task.slices === 1001 && task.state === 'done')).toBe(true);
    // Tasks not yet run go ahead of the queue, a few at a time: once the last has started, every
    // ten slices in a row are one of each.
    const started = order.indexOf(9) + 1;
    expect(started).toBeLessThan(20);
    for (let at = started; at + 10 <= order.length - 10; at++) {
      expect(new Set(order.slice(at, at + 10)).size, `slices ${at}..${at + 9}`).toBe(10);
    }
  });

  it('runs up to four busy tasks started together with equal slices, ±1, at every point', async () => {
    const scheduler = new Scheduler({ maxSlicesPerTurn: 100 });
    const counts = [0, 0, 0, 0];
    const spreads: number[] = [];
    const tasks = counts.map((_, i) =>
      scheduler.spawn(function* () {
        for (let n = 0; n < 1000; n++) {
          counts[i] = (counts[i] as number) + 1;
          spreads.push(Math.max(...counts) - Math.min(...counts));
          yield;
        }
        return i;
      }),
    );
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3]);
    expect(Math.max(...spreads)).toBeLessThanOrEqual(1);
  });

  it('interleaves the slices of several tasks in spawn order', async () => {
    const scheduler = new Scheduler();
    const order: string[] = [];
    const body = (name: string) =>
      function* () {
        for (let i = 0; i < 3; i++) {
          order.push(`${name}${i}`);
          yield;
        }
      };
    await Promise.all([scheduler.spawn(body('a')), scheduler.spawn(body('b')), scheduler.spawn(body('c'))]);
    expect(order.join(' ')).toBe('a0 b0 c0 a1 b1 c1 a2 b2 c2');
  });

  it('sleeps and waits for promises without holding up the other tasks', async () => {
    const scheduler = new Scheduler();
    const events: string[] = [];
    const sleeper = scheduler.spawn(function* () {
      yield* sleep(20);
      events.push('slept');
      return 'rested';
    });
    const waiter = scheduler.spawn(function* () {
      const value = yield* wait(new Promise<number>((resolve) => setTimeout(() => resolve(42), 5)));
      events.push(`waited ${value}`);
      return value;
    });
    const busy = scheduler.spawn(function* () {
      for (let i = 0; i < 3; i++) yield;
      events.push('busy done');
    });
    expect(await Promise.all([sleeper, waiter, busy])).toEqual(['rested', 42, undefined]);
    expect(events).toEqual(['busy done', 'waited 42', 'slept']);
    expect(scheduler.stats()).toMatchObject({ runnable: 0, waiting: 0, spawned: 3, finished: 3 });
  });

  it('resumes a task that caught a rejection with nothing left over from it', async () => {
    const scheduler = new Scheduler();
    const task = scheduler.spawn(function* () {
      let caught: unknown;
      try {
        yield* wait(Promise.reject(new Error('rejected')));
      } catch (error) {
        caught = error;
      }
      const next = yield;
      return [String(caught), next];
    });
    expect(await task).toEqual(['Error: rejected', undefined]);
  });

  it('ends a task that throws with its error and carries on with the others', async () => {
    const scheduler = new Scheduler();
    const failing = scheduler.spawn(function* () {
      yield;
      throw new Error('boom');
    });
    const rejected = scheduler.spawn(function* () {
      try {
        yield* wait(Promise.reject(new Error('no file')));
      } catch (error) {
        return `caught ${(error as Error).message}`;
      }
    });
    const fine = scheduler.spawn(function* () {
      yield;
      return 'fine';
    });
    await expect(failing).rejects.toThrow('boom');
    expect(await rejected).toBe('caught no file');
    expect(await fine).toBe('fine');
  });

  it('yields to the event loop while saturated, so timers and I/O run', async () => {
    const scheduler = new Scheduler();
    let stop = false;
    let slices = 0;
    let seeing: Promise<{ slices: number; state: string }> | undefined;
    const spinner = scheduler.spawn(function* () {
      // What the timer sees, read inside its own callback: a scheduler that never yielded would let it
      // fire only after the task had ended (and the task ends only on `stop`). Set in the first slice,
      // so that however late the event loop runs that slice, the timer cannot fire before it.
      seeing = new Promise((resolve) => setTimeout(() => resolve({ slices, state: spinner.state }), 5));
      while (!stop) {
        slices++;
        yield;
      }
    });
    await until(() => seeing !== undefined);
    const seen = await (seeing as Promise<{ slices: number; state: string }>);
    stop = true;
    await spinner;
    expect(seen.slices).toBeGreaterThan(0);
    expect(seen.state).toBe('runnable');
  });

  it('ends a task that yields a bad instruction with an error naming the argument', async () => {
    const scheduler = new Scheduler();
    await expect(scheduler.spawn(() => wait(42 as never))).rejects.toThrow(
      /promise must be a promise or other thenable/,
    );
    await expect(scheduler.spawn(() => sleep(Number.NaN))).rejects.toThrow(
      /ms must be a number of milliseconds/,
    );
    expect(() => new Park(-1)).toThrow(/ms must be a number of milliseconds/);
    // The scheduler carries on: a sleeper after them wakes on time.
    await scheduler.spawn(() => sleep(1));
  });

  it('runs an iterator written by hand as a task body: resumed with values, thrown into, returned', async () => {
    const scheduler = new Scheduler();
    const seen: unknown[] = [];
    let returned = false;
    // Counts slices with plain yields, then parks; the value it is unparked with ends it.
    const counter = (parkAt: number) => {
      let slice = 0;
      return {
        next(value?: unknown): IteratorResult<unknown, unknown> {
          seen.push(value);
          if (slice === parkAt) return { done: true, value: `unparked with ${String(value)}` };
          return ++slice === parkAt ? { done: false, value: new Park() } : { done: false, value: undefined };
        },
        throw(error: unknown): IteratorResult<unknown, unknown> {
          return { done: true, value: `caught ${String(error)}` };
        },
        return(value?: unknown): IteratorResult<unknown, unknown> {
          returned = true;
          return { done: true, value };
        },
        [Symbol.iterator]() {
          return this;
        },
      } as Generator<unknown, unknown, unknown>;
    };
    const task = scheduler.spawn(counter(3));
    await until(() => task.state === 'waiting');
    expect(scheduler.unpark(task, 'hello')).toBe(true);
    await expect(task).resolves.toBe('unparked with hello');
    expect(seen).toEqual([undefined, undefined, undefined, 'hello']);

    const failing = scheduler.spawn(counter(1));
    await until(() => failing.state === 'waiting');
    scheduler.resume(failing, 'boom', true);
    await expect(failing).resolves.toBe('caught boom');

    const cancelled = scheduler.spawn(counter(1));
    await until(() => cancelled.state === 'waiting');
    scheduler.cancel(cancelled, new Error('stop'));
    await expect(cancelled).rejects.toThrow('stop');
    expect(returned).toBe(true);

    // Cancelled before its first slice, it is still returned: its clean-up runs.
    returned = false;
    const early = scheduler.spawn(counter(1));
    scheduler.cancel(early, new Error('early'));
    await expect(early).rejects.toThrow('early');
    expect(returned).toBe(true);

    // Its `next` is looked up at every slice, as for any iterator: one that replaces it is heard.
    const changing: Iterator<unknown, unknown, unknown> & { [Symbol.iterator](): unknown } = {
      next() {
        this.next = () => ({ done: true, value: 'replaced' });
        return { done: false, value: undefined };
      },
      [Symbol.iterator]() {
        return this;
      },
    };
    await expect(scheduler.spawn(changing as Generator<unknown, unknown, unknown>)).resolves.toBe('replaced');
  });

  it('rejects what is not a generator, and bad options', () => {
    const scheduler = new Scheduler();
    expect(() => scheduler.spawn((() => 42) as never)).toThrow(/body must be a generator function/);
    expect(() => new Scheduler({ maxSlicesPerTurn: 0 })).toThrow(/options\.maxSlicesPerTurn/);
    expect(() => new Scheduler({ maxTurnMs: -1 })).toThrow(RangeError);
    expect(() => new Scheduler(3 as never)).toThrow(TypeError);
    expect(() => [...sleep(-1)]).toThrow(/ms must be a number/);
  });
});

describe('parking', () => {
  it('parks a task until unparked with a value, or until its time is up', async () => {
    const scheduler = new Scheduler();
    const parked = scheduler.spawn(function* () {
      const first = yield new Park();
      const second = yield new Park(5);
      return [first, second];
    });
    // Its first slice may run late on a loaded machine: wait for it to park, then a little longer.
    await until(() => parked.state === 'waiting');
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(parked.state).toBe('waiting');
    expect(scheduler.unpark(parked, 'hello')).toBe(true);
    expect(scheduler.unpark(parked, 'twice')).toBe(false); // runnable again: nothing to unpark
    expect(await parked).toEqual(['hello', TIMED_OUT]);
  });

  it('parks on Park.forever, the one shared park without a timeout, until unparked', async () => {
    const scheduler = new Scheduler();
    const parked = scheduler.spawn(function* () {
      const values = [yield Park.forever, yield Park.forever];
      return values;
    });
    await until(() => parked.state === 'waiting');
    // No timer: nothing but an unpark ends the wait.
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(parked.state).toBe('waiting');
    expect(scheduler.stats().waiting).toBe(1);
    expect(scheduler.unpark(parked, 'one')).toBe(true);
    expect(scheduler.unpark(parked, 'lost')).toBe(false);
    await until(() => parked.state === 'waiting');
    expect(scheduler.unpark(parked, 'two')).toBe(true);
    expect(await parked).toEqual(['one', 'two']);
    expect(scheduler.stats().waiting).toBe(0);
    expect(Park.forever.ms).toBe(Number.POSITIVE_INFINITY);
  });

  it('ignores the timer of a park that ended early when the task parks again', async () => {
    const scheduler = new Scheduler();
    const task = scheduler.spawn(function* () {
      const early = yield new Park(10); // unparked in the same turn: its 10 ms timer is stale
      const started = performance.now();
      const late = yield new Park(40);
      return { early, late, waited: performance.now() - started };
    });
    // A second task unparks the first right after its first slice, with no timer in between,
    // so however late the event loop runs, the unpark wins the race against the 10 ms timer.
    // biome-ignore lint/correctness/useYield: one slice is all it takes
    const unparker = scheduler.spawn(function* () {
      expect(task.state).toBe('waiting');
      scheduler.unpark(task, 'early');
    });
    await unparker; // a failed expect inside a task only rejects that task: awaited, it fails the test
    const { early, late, waited } = await task;
    expect(early).toBe('early');
    expect(late).toBe(TIMED_OUT);
    expect(waited).toBeGreaterThanOrEqual(39);
  });

  it('says which task is running, and nothing outside a slice', async () => {
    const scheduler = new Scheduler();
    const seen: unknown[] = [];
    const task = scheduler.spawn(function* () {
      seen.push(scheduler.current?.context);
      yield;
      seen.push(scheduler.current?.context);
    });
    task.context = 'mine';
    await task;
    expect(seen).toEqual(['mine', 'mine']);
    expect(scheduler.current).toBeUndefined();
  });
});

describe('cancel', () => {
  it('ends a runnable, a sleeping or a parked task at once, running its finally blocks', async () => {
    const scheduler = new Scheduler();
    const cleaned: string[] = [];
    const body = (name: string, wait: () => Generator<unknown, void, unknown>) =>
      function* () {
        try {
          for (;;) yield* wait();
        } finally {
          cleaned.push(name);
        }
      };
    const busy = scheduler.spawn(
      body('busy', function* () {
        yield;
      }),
    );
    const sleeper = scheduler.spawn(body('sleeper', () => sleep(60_000)));
    const parked = scheduler.spawn(
      body('parked', function* () {
        yield new Park();
      }),
    );
    // Each has had its first slice (a task cancelled before it ever ran has no finally to run).
    await until(() => sleeper.state === 'waiting' && parked.state === 'waiting');
    for (const task of [busy, sleeper, parked]) expect(scheduler.cancel(task, 'killed')).toBe(true);
    expect(scheduler.cancel(busy, 'again')).toBe(false);
    for (const task of [busy, sleeper, parked]) await expect(task).rejects.toBe('killed');
    expect(cleaned.sort()).toEqual(['busy', 'parked', 'sleeper']);
    expect(scheduler.stats()).toMatchObject({ waiting: 0 });
  });

  it('drops the Node timer of a cancelled sleeper, so nothing is kept alive', async () => {
    const scheduler = new Scheduler();
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
    const sleeper = scheduler.spawn(() => sleep(60_000));
    sleeper.then(undefined, () => {});
    await until(() => sleeper.state === 'waiting');
    // Counted right before and right after the cancel, with no turn of the event loop in between:
    // timers of others (vitest's own) come and go while the event loop turns.
    const sleeping = timers();
    scheduler.cancel(sleeper, 'stop');
    expect(timers()).toBe(sleeping - 1);
  });

  it('waits longer than setTimeout can (2^31 - 1 ms) without firing early, warning, or spinning', async () => {
    const scheduler = new Scheduler();
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const parked = scheduler.spawn(function* () {
        return yield new Park(3e9);
      });
      parked.then(undefined, () => {});
      await until(() => parked.state === 'waiting'); // its one slice ran, and it parked
      const before = scheduler.slicesRun;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(scheduler.stats()).toMatchObject({ waiting: 1 });
      expect(scheduler.slicesRun).toBe(before);
      expect(warnings).toEqual([]);
      scheduler.cancel(parked, 'done');
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('ends a task that cancels itself when its slice ends, not in the middle of it', async () => {
    const scheduler = new Scheduler();
    const steps: string[] = [];
    const task = scheduler.spawn(function* () {
      steps.push('before');
      scheduler.cancel(scheduler.current as never, 'self');
      steps.push('after, same slice');
      yield;
      steps.push('never');
    });
    await expect(task).rejects.toBe('self');
    expect(steps).toEqual(['before', 'after, same slice']);
  });
});
