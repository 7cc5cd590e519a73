/**
 * withWorker on one core: the round-robin order of the forms of several workers, the handle as pid
 * and as the last form's value (awaited outside processes, `yield*`-ed inside), and the spawn
 * parameters passed through.
 */
import {
  type ActorSystem,
  exit,
  isAlive,
  isPid,
  on,
  receive as receiveMessage,
  self,
  start,
  whereis,
} from '@beamish/actors';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  _,
  doTimes,
  ExitSignal,
  progn,
  receive,
  send,
  type WorkerHandle,
  withWorker,
} from '../dist/index.js';

let system: ActorSystem;
beforeAll(async () => {
  system = await start({ schedulers: 1 });
});
afterAll(() => system.stop());

describe('time slicing', () => {
  it('runs the forms of workers on one core round-robin, a plain form a slice, a generator form a slice per yield', async () => {
    const seen: string[] = [];
    /** A worker of `rounds` slices: a plain form, a generator form of `rounds - 2` yields, a plain form. */
    const worker = (name: string, rounds: number) =>
      withWorker(
        {},
        () => seen.push(`${name}0`),
        function* () {
          for (let i = 1; i < rounds - 1; i++) {
            if (i > 1) yield;
            seen.push(`${name}${i}`);
          }
        },
        () => seen.push(`${name}${rounds - 1}`),
      );
    const slices = { a: 4, b: 3, c: 5 };
    await Promise.all(Object.entries(slices).map(([name, rounds]) => worker(name, rounds)));
    // Round r: every worker that still has an r-th slice, in the order they were started.
    const expected: string[] = [];
    for (let round = 0; round < 5; round++) {
      for (const [name, rounds] of Object.entries(slices))
        if (round < rounds) expected.push(`${name}${round}`);
    }
    expect(seen).toEqual(expected);
  });

  it('gives compound forms a slice per form or round (progn, doTimes)', async () => {
    const seen: string[] = [];
    await Promise.all([
      withWorker(
        {},
        doTimes(3, (i) => seen.push(`times${i}`)),
      ),
      withWorker(
        {},
        progn(
          () => seen.push('progn0'),
          () => seen.push('progn1'),
        ),
      ),
    ]);
    expect(seen).toEqual(['times0', 'progn0', 'times1', 'progn1', 'times2']);
  });
});

describe('the handle', () => {
  it('is awaited for the value of the last form (progn), typed by it', async () => {
    const answer = withWorker(
      {},
      () => 'first',
      function* () {
        yield;
        return 42 as const;
      },
    );
    expectTypeOf(answer).toEqualTypeOf<WorkerHandle<42>>();
    expect(await answer).toBe(42);
    const nothing = withWorker({});
    expectTypeOf(nothing).toEqualTypeOf<WorkerHandle<undefined>>();
    expect(await nothing).toBeUndefined();
  });

  it('hands the very value of the last form to the caller on its core', async () => {
    const made: object[] = [];
    const value = await withWorker({}, () => {
      const object = { made: true };
      made.push(object);
      return object;
    });
    expect(value).toBe(made[0]);
  });

  it('is the pid: `pid`, `send` to it, the registered name, printed like Erlang', async () => {
    const echo = withWorker({ name: 'echo' }, receive([_, (message) => message]));
    expect(isPid(echo.pid)).toBe(true);
    expect(whereis('echo')).toBe(echo.pid);
    expect(String(echo)).toMatch(/^#<worker <0\.\d+\.\d+>>$/);
    send(echo, ['hello']);
    expect(await echo).toEqual(['hello']);
    expect(whereis('echo')).toBeUndefined();
    expect(isAlive(echo.pid)).toBe(false);
  });

  it('is `yield*`-ed inside a process: it waits without holding the core', async () => {
    const seen: string[] = [];
    const result = await system.run(function* () {
      const slow = withWorker(
        {},
        doTimes(3, (i) => seen.push(`slow${i}`)),
        () => 'slow done',
      );
      const value = yield* slow;
      seen.push('joined');
      return value;
    });
    expect(result).toBe('slow done');
    expect(seen).toEqual(['slow0', 'slow1', 'slow2', 'joined']);
  });

  it('rejects with the error a form threw, the very object', async () => {
    const error = new RangeError('out of range');
    const failing = withWorker(
      {},
      () => 1,
      () => {
        throw error;
      },
    );
    await expect(failing).rejects.toBe(error);
  });

  it("rejects with an ExitSignal carrying the reason of exit(reason), an early exit('normal'), or an exit signal", async () => {
    await expect(withWorker({}, () => exit('enough'))).rejects.toEqual(new ExitSignal('enough'));
    await expect(
      withWorker(
        {},
        () => exit('normal'),
        () => 'never',
      ),
    ).rejects.toMatchObject({ reason: 'normal' });
    let running = false;
    const forever = withWorker(
      {},
      () => {
        running = true;
      },
      receive(),
    );
    await vi.waitFor(() => expect(running).toBe(true), { timeout: 10_000 });
    exit(forever.pid, 'stop');
    await expect(forever).rejects.toMatchObject({ reason: 'stop' });
  });

  it('reports a worker ended before it ever ran — in the same stretch of code that started it — with its reason', async () => {
    let ran = false;
    const stillborn = withWorker({}, () => {
      ran = true;
    });
    exit(stillborn.pid, 'kill');
    await expect(stillborn).rejects.toMatchObject({ reason: 'killed' });
    expect(ran).toBe(false);
  });

  it('settles with how the worker ended however late it is awaited; one nobody awaits is no unhandled rejection', async () => {
    const failing = withWorker({}, () => {
      throw new Error('unwatched');
    });
    const done = withWorker({}, () => 'kept');
    // Both end in their first slice, however late that runs: awaited only once they have ended.
    await vi.waitFor(
      () => {
        expect(isAlive(failing.pid)).toBe(false);
        expect(isAlive(done.pid)).toBe(false);
      },
      { timeout: 10_000 },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await done).toBe('kept');
    await expect(failing).rejects.toThrow('unwatched');
  });
});

describe('spawn parameters', () => {
  it('monitor: the calling process gets DOWN with handle.ref', async () => {
    const down = await system.run(function* () {
      const worker = withWorker({ monitor: true }, () => 'bye');
      const message = yield* receiveMessage(on(['DOWN', worker.ref, 'process', worker.pid, _]));
      return [message, worker.pid] as const;
    });
    expect(down[0]).toEqual(['DOWN', expect.any(Number), 'process', down[1], 'normal']);
  });

  it('link: a worker that crashes takes its linked caller down with its reason', async () => {
    const crash = new Error('crash');
    const caller = system.run(function* () {
      withWorker({ link: true }, () => {
        throw crash;
      });
      yield* receiveMessage();
    });
    await expect(caller).rejects.toMatchObject({ reason: crash });
  });

  it("trapExit: a linked worker that traps exits hears its caller's end as a message", async () => {
    let listener: WorkerHandle<unknown> | undefined;
    const callerPid = await system.run(function* () {
      listener = withWorker({ link: true, trapExit: true }, receive([['EXIT', _, _], (message) => message]));
      yield;
      return self();
    });
    expect(await (listener as WorkerHandle<unknown>)).toEqual(['EXIT', callerPid, 'normal']);
  });

  it("mode: a worker started with 'share' hands over the very objects it sends on its core; by default they are copied", async () => {
    const box = { n: 1 };
    const sharedWith = withWorker({}, receive([_, (message) => message]));
    await withWorker({ mode: 'share' }, () => send(sharedWith, box));
    expect(await sharedWith).toBe(box);
    const copiedTo = withWorker({}, receive([_, (message) => message]));
    await withWorker({}, () => send(copiedTo, box));
    const copy = await copiedTo;
    expect(copy).toEqual(box);
    expect(copy).not.toBe(box);
  });
});
