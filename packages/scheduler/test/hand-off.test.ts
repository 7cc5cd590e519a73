import { describe, expect, it } from 'vitest';
import { Park, Scheduler, type Task } from '../src/index.js';

/** Waits, a turn of the event loop at a time, until `check()` holds. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setImmediate(resolve));
}

/** A task that parks for ever, `times` times, and logs each wake as `<name> woke`. */
const parker = (scheduler: Scheduler, log: string[], name: string, times = 1): Task =>
  scheduler.spawn(function* () {
    for (let i = 0; i < times; i++) {
      yield Park.forever;
      log.push(`${name} woke`);
    }
  });

describe('handOff', () => {
  it("runs a parked task's slice at once when a body hands off to it, before that body goes on", async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const receiver = parker(scheduler, log, 'receiver');
    const sender = scheduler.spawn(function* () {
      yield; // the receiver has parked by now
      log.push('before');
      expect(scheduler.handOff(receiver)).toBe(true);
      log.push('after');
      expect(scheduler.current).toBe(sender);
    });
    await sender;
    await receiver;
    expect(log).toEqual(['before', 'receiver woke', 'after']);
  });

  it('queues the task, as unpark does, when called from outside a body', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const receiver = parker(scheduler, log, 'receiver', 2);
    await until(() => receiver.state === 'waiting');
    expect(scheduler.handOff(receiver)).toBe(true);
    log.push('outside, after');
    await until(() => receiver.state === 'waiting');
    // From a task's end (the scheduler's bookkeeping, not its body) too.
    const ender = scheduler.spawn(function* () {
      yield;
    });
    ender.onEnd = () => {
      scheduler.handOff(receiver);
      log.push('onEnd, after');
    };
    await receiver;
    expect(log).toEqual(['outside, after', 'receiver woke', 'onEnd, after', 'receiver woke']);
  });

  it('runs the tasks a handed-off slice wakes one after another, not one inside another', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const tasks: Task[] = [];
    // Each wakes the next when it wakes, as a token goes round a ring.
    for (const name of ['a', 'b', 'c']) {
      const at = tasks.length;
      tasks.push(
        scheduler.spawn(function* () {
          yield Park.forever;
          log.push(`${name} woke`);
          const next = tasks[at + 1];
          if (next !== undefined) scheduler.handOff(next);
          log.push(`${name} goes on`);
        }),
      );
    }
    const sender = scheduler.spawn(function* () {
      yield;
      scheduler.handOff(tasks[0] as Task);
      log.push('sender goes on');
    });
    await Promise.all([sender, ...tasks]);
    expect(log).toEqual([
      'a woke',
      'a goes on',
      'b woke',
      'b goes on',
      'c woke',
      'c goes on',
      'sender goes on',
    ]);
    expect(scheduler.stats().slices).toBe(2 + 3 * 2); // hand-off slices are counted
  });

  it('skips a task woken in a hand-off but cancelled before its slice came', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const second = parker(scheduler, log, 'second');
    let ends = 0;
    second.onEnd = () => ends++;
    const first = scheduler.spawn(function* () {
      yield Park.forever;
      scheduler.handOff(second); // runs after this slice…
      scheduler.cancel(second, new Error('cancelled')); // …unless it is cancelled first
    });
    const caller = scheduler.spawn(function* () {
      yield;
      scheduler.handOff(first);
    });
    await Promise.all([caller, first]);
    expect(second.state).toBe('done');
    expect(ends).toBe(1);
    expect(second.slices).toBe(1);
    expect(log).toEqual([]);
  });

  it('lets other tasks run while two tasks answer each other by hand-offs', async () => {
    const scheduler = new Scheduler();
    const EXCHANGES = 20_000;
    let exchanges = 0;
    // Answers waiting for each player. Each looks for one before it waits: without a budget, the
    // player that first runs the other by a hand-off would find every answer waiting, and never yield.
    const answers: [number, number] = [1, 0];
    const players: Task[] = [];
    const other = (me: 0 | 1): 0 | 1 => (me === 0 ? 1 : 0);
    const play = (me: 0 | 1) =>
      function* () {
        for (;;) {
          if (answers[me] === 0) yield Park.forever;
          if (exchanges >= EXCHANGES) break;
          answers[me]--;
          exchanges++;
          answers[other(me)]++;
          scheduler.handOff(players[other(me)] as Task);
        }
        scheduler.handOff(players[other(me)] as Task); // so that the other ends too
      };
    players.push(scheduler.spawn(play(0)), scheduler.spawn(play(1)));
    const seen: number[] = [];
    const bystander = scheduler.spawn(function* () {
      while (exchanges < EXCHANGES) {
        seen.push(exchanges);
        yield;
      }
    });
    await Promise.all([...players, bystander]);
    expect(exchanges).toBe(EXCHANGES);
    // The bystander gets a slice every budget's worth of hand-offs, or so.
    const gaps = seen.slice(1).map((n, i) => n - (seen[i] as number));
    expect(seen.length).toBeGreaterThan(EXCHANGES / 200);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(200);
  });

  it('ends a caller cancelled by the slice it handed off to when its own slice ends', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    let caller: Task | undefined;
    const killer = scheduler.spawn(function* () {
      yield Park.forever;
      expect(scheduler.cancel(caller as Task, new Error('stopped'))).toBe(true);
      log.push('killer goes on');
    });
    caller = scheduler.spawn(function* () {
      try {
        yield;
        scheduler.handOff(killer);
        log.push('caller goes on to its yield');
        yield;
        log.push('never');
      } finally {
        log.push('caller finally');
      }
    });
    await expect(caller).rejects.toThrow('stopped');
    await killer;
    expect(log).toEqual(['killer goes on', 'caller goes on to its yield', 'caller finally']);
  });

  it('ends a handed-off task that throws with its error, and the caller goes on', async () => {
    const scheduler = new Scheduler();
    const thrower = scheduler.spawn(function* () {
      yield Park.forever;
      throw new Error('thrown in a hand-off');
    });
    const caller = scheduler.spawn(function* () {
      yield;
      scheduler.handOff(thrower);
      expect(thrower.state).toBe('done');
      return 'went on';
    });
    await expect(thrower).rejects.toThrow('thrown in a hand-off');
    expect(await caller).toBe('went on');
  });

  it('wakes a task parked with a timeout, whose timer is then forgotten', async () => {
    const scheduler = new Scheduler();
    const parked = scheduler.spawn(function* () {
      const woken = yield new Park(20);
      const later = yield Park.forever; // the 20 ms timer must not end this wait
      return [woken, later];
    });
    const caller = scheduler.spawn(function* () {
      yield;
      expect(scheduler.handOff(parked)).toBe(true);
    });
    await caller;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(parked.state).toBe('waiting');
    scheduler.unpark(parked, 'later');
    expect(await parked).toEqual([undefined, 'later']);
    expect(scheduler.stats().waiting).toBe(0);
  });

  it('returns false, doing nothing, for a task that is not parked', async () => {
    const scheduler = new Scheduler();
    const busy = scheduler.spawn(function* () {
      yield;
      yield;
    });
    const caller = scheduler.spawn(function* () {
      expect(scheduler.handOff(busy)).toBe(false); // runnable
      yield;
    });
    await Promise.all([busy, caller]);
    expect(scheduler.handOff(busy)).toBe(false); // done
    expect(busy.slices).toBe(3);
  });

  it('queues, as unpark does, when maxHandOffsPerSlice is 0', async () => {
    const scheduler = new Scheduler({ maxHandOffsPerSlice: 0 });
    const log: string[] = [];
    const receiver = parker(scheduler, log, 'receiver');
    const sender = scheduler.spawn(function* () {
      yield;
      expect(scheduler.handOff(receiver)).toBe(true);
      log.push('sender goes on');
    });
    await Promise.all([sender, receiver]);
    expect(log).toEqual(['sender goes on', 'receiver woke']);
    expect(() => new Scheduler({ maxHandOffsPerSlice: -1 })).toThrow(
      /options.maxHandOffsPerSlice must be an integer/,
    );
    expect(() => new Scheduler({ maxHandOffsPerSlice: 1.5 })).toThrow(RangeError);
  });

  it('loses no task when the stack runs out during a hand-off', async () => {
    const scheduler = new Scheduler();
    const log: string[] = [];
    const receiver = parker(scheduler, log, 'receiver', 2);
    let outcome: string | undefined;
    // Hands off from ever deeper in the stack, until a hand-off is tried where the stack runs out.
    const deep = (): void => {
      try {
        deep();
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
      }
      if (outcome !== undefined) return;
      try {
        scheduler.handOff(receiver);
        outcome = 'handed off';
      } catch (error) {
        if (receiver.state !== 'waiting') outcome = `threw ${(error as Error).name}`;
      }
    };
    const sender = scheduler.spawn(function* () {
      yield;
      deep();
    });
    await sender;
    expect(outcome).toBe('threw RangeError');
    // Woken all the same: it ran once the sender's slice was over, and parked again.
    await until(() => log.length === 1);
    expect(receiver.state).toBe('waiting');
    expect(scheduler.unpark(receiver, undefined)).toBe(true);
    await receiver;
    expect(log).toEqual(['receiver woke', 'receiver woke']);
  });

  it("throws an error of a handed-off slice's bookkeeping from the turn, not at the caller", async () => {
    const scheduler = new Scheduler();
    const ender = scheduler.spawn(function* () {
      yield Park.forever;
    });
    ender.onEnd = () => {
      throw new Error('from onEnd');
    };
    const deferred: Array<() => void> = [];
    const realQueueMicrotask = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (callback) => deferred.push(callback);
    try {
      const caller = scheduler.spawn(function* () {
        yield;
        expect(scheduler.handOff(ender)).toBe(true); // returns: the error is not the caller's
        expect(deferred).toHaveLength(0); // thrown after the caller's slice, by the turn
        return 'went on';
      });
      expect(await caller).toBe('went on');
    } finally {
      globalThis.queueMicrotask = realQueueMicrotask;
    }
    expect(ender.state).toBe('done');
    const [thrown] = deferred.filter((callback) => {
      try {
        callback();
        return false;
      } catch (error) {
        return (error as Error).message === 'from onEnd';
      }
    });
    expect(thrown).toBeDefined();
  });
});
