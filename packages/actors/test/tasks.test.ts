/** Tasks (a computation in its own process, awaited with a timeout) and agents (state in a process). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActorSystem,
  after,
  type CallError,
  exit,
  isAlive,
  processInfo,
  receive,
  runTask,
  self,
  sleep,
  spawn,
  start,
  startAgent,
  startTask,
  trapExit,
} from '../dist/index.js';
import { thrown } from './thrown.js';
import { failing, sumTo } from './workers/otp.mjs';

/** What `body` throws. */
describe('tasks and agents', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await start({ schedulers: 2 });
  });
  afterAll(() => system.stop());

  it('tasks run on every core, in parallel, and their results are awaited', async () => {
    const results = await system.run(function* () {
      const tasks = [0, 1, 0, 1].map((core) => startTask(sumTo, [100_000], { affinity: core }));
      const results = [];
      for (const task of tasks) results.push(yield* task.await());
      return results;
    });
    const sum = (100_000 * 100_001) / 2;
    expect(results.map(([s]) => s)).toEqual([sum, sum, sum, sum]);
    expect(new Set(results.map(([, thread]) => thread)).size).toBe(2);
  });

  it('a closure task runs on this core; what it throws is thrown by await', async () => {
    await system.run(function* () {
      const task = startTask(function* () {
        yield* sleep(5);
        return 'done';
      });
      expect(yield* task.await(1000)).toBe('done');
      const failed = startTask(failing, ['out of range'], { affinity: 1 });
      const error = yield* thrown(failed.await());
      expect(error).toBeInstanceOf(RangeError);
      expect((error as RangeError).message).toBe('out of range');
    });
  });

  it('a task past its timeout is killed, the await fails with timeout, and its late result is dropped', async () => {
    await system.run(function* () {
      const task = startTask(function* () {
        yield* sleep(50);
        return 'late';
      });
      const error = (yield* thrown(task.await(5))) as CallError;
      expect(error.reason).toBe('timeout');
      expect(error.message).toMatch(/^task <0\.\d+\.\d+> failed: timeout \(no result within 5 ms\)$/);
      expect(isAlive(task.pid)).toBe(false);
      // Across cores the task may finish before the kill reaches it: its result then comes
      // through this core's relay, which drops it.
      const far = startTask(sumTo, [3_000_000], { affinity: 1 });
      const farError = (yield* thrown(far.await(1))) as CallError;
      expect(farError.reason).toBe('timeout');
      yield* sleep(100);
      expect((yield* processInfo(self()))?.messageQueueLength).toBe(0);
    });
  });

  it('a task that is killed fails its await with the reason, or kills a linked owner', async () => {
    await system.run(function* () {
      trapExit(true);
      const task = startTask(function* () {
        yield* receive();
      });
      const killer = spawn(function* () {
        yield* sleep(5);
        exit(task.pid, 'kill');
      });
      const error = (yield* thrown(task.await(1000))) as CallError;
      expect(error.reason).toBe('killed');
      expect(yield* receive(after(100, () => 'no EXIT'))).toEqual(['EXIT', task.pid, 'killed']);
      expect(isAlive(killer)).toBe(false);
      trapExit(false);
    });
  });

  it('runTask is awaitable outside processes; await belongs to the task owner and happens once', async () => {
    const [sum] = await runTask(sumTo, [1000]);
    expect(sum).toBe(500_500);
    expect(
      await runTask(function* () {
        yield;
        return 7;
      }),
    ).toBe(7);
    await expect(runTask(failing, ['bad'])).rejects.toThrow('bad');
    await system.run(function* () {
      const task = startTask(function* () {
        yield;
        return 1;
      });
      expect(yield* task.await()).toBe(1);
      const error = (yield* thrown(task.await())) as Error;
      expect(error.message).toBe('the task was awaited already');
    });
    expect(() => startTask(function* () {})).toThrow(/self\(\) must be called inside a process/);
    expect(() => runTask(function* () {}, -1)).toThrow(/timeoutMs must be a number of milliseconds/);
  });

  it('agents hold state and change it one request at a time', async () => {
    const counter = await startAgent(() => ({ n: 0, log: [] as string[] }));
    counter.cast((state) => ({ ...state, n: state.n + 1 }));
    await counter.update((state) => ({ ...state, log: [...state.log, 'updated'] }));
    expect(await counter.get((state) => state.n)).toBe(1);
    expect(await counter.getAndUpdate((state) => [state.log.length, { ...state, n: 10 }])).toBe(1);
    // The very object made by the function, not a copy: an agent lives on one core.
    const shared = await counter.get((state) => state);
    expect(shared.n).toBe(10);
    await system.run(function* () {
      expect(yield* counter.get((state) => state.n * 2)).toBe(20);
    });
    await counter.stop();
    expect(isAlive(counter.pid)).toBe(false);
    await expect(counter.get((state) => state)).rejects.toMatchObject({ reason: 'noproc' });
    expect(() => counter.cast('x' as never)).toThrow(/change must be a function of the state/);
    expect(() => counter.get('x' as never)).toThrow(/read must be a function of the state/);
    expect(() => counter.update('x' as never)).toThrow(/change must be a function of the state/);
  });
});
