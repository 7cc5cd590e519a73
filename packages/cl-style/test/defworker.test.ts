/**
 * defworker: a module-level worker started on another core (real worker threads), awaited for its
 * last form's value, and ended there with its cleanup forms run.
 */
import { threadId } from 'node:worker_threads';
import {
  type ActorSystem,
  exit,
  monitor,
  on,
  receive as receiveMessage,
  register,
  self,
  spawn,
  start,
  whereis,
} from '@beamish/actors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { _, ExitSignal, send } from '../dist/index.js';
import { doubler, failing, waiting, whereAmI } from './workers/placed.mjs';

let system: ActorSystem;
beforeAll(async () => {
  system = await start({ schedulers: 2 });
});
afterAll(() => system.stop());

describe('a defworker', () => {
  it('refuses to start by a plain spawn (its start() gives it its watcher): it ends at once with a TypeError', async () => {
    const down = await system.run(function* () {
      const pid = spawn(doubler, [self()] as never, { affinity: 1 });
      const ref = monitor(pid);
      return yield* receiveMessage(on(['DOWN', ref, _, _, _]));
    });
    expect((down as unknown[])[4]).toMatchObject({
      name: 'TypeError',
      message: 'a defworker worker is started with its start(), not spawn',
    });
  });

  it('starts on the core its affinity hint names, and its value comes back', async () => {
    const there = await whereAmI.start({ affinity: 1 });
    expect(there.core).toBe(1);
    expect(there.thread).not.toBe(threadId);
    const here = await whereAmI.start({ affinity: 'local' });
    expect(here).toEqual({ core: 0, thread: threadId });
  });

  it('is placed on some core without a hint, and runs all the same', async () => {
    const placed = await Promise.all(Array.from({ length: 8 }, () => whereAmI.start()));
    for (const { core } of placed) expect([0, 1]).toContain(core);
  });

  it('takes messages by its handle on another core', async () => {
    const worker = doubler.start({ affinity: 1 });
    send(worker, 21);
    expect(await worker).toBe(42);
  });

  it('rejects with the error a form threw on the other core', async () => {
    const worker = failing.start({ affinity: 1 });
    send(worker, 'go');
    await expect(worker).rejects.toMatchObject({ name: 'RangeError', message: 'failed on another core' });
  });

  it('killed on the other core, runs its cleanup forms there as itself, frees its name and reports the kill', async () => {
    const [running, cleanedUp, outcome] = await system.run(function* () {
      register('observer');
      const worker = waiting.start({ affinity: 1 });
      const running = yield* receiveMessage(on(['running', _, _]));
      exit(worker.pid, 'kill');
      const cleanedUp = yield* receiveMessage(on(['cleaned up', _, _]));
      let outcome: unknown;
      try {
        yield* worker;
      } catch (error) {
        outcome = error;
      }
      return [running, cleanedUp, outcome] as const;
    });
    expect(running[1]).toBe(cleanedUp[1]);
    expect(cleanedUp[2]).not.toBe(threadId);
    expect(outcome).toEqual(new ExitSignal('killed'));
    // Its name ('waiting', from the definition's options) is free again: a new one takes it.
    const again = waiting.start({ affinity: 1 });
    expect(whereis('waiting')).toBe(again.pid);
    exit(again.pid, 'kill');
    await expect(again).rejects.toBeInstanceOf(ExitSignal);
  });

  it('rejects an affinity past the last core, naming it', () => {
    expect(() => whereAmI.start({ affinity: 2 })).toThrow(RangeError);
    expect(() => whereAmI.start({ affinity: 2 })).toThrow(/options\.affinity/);
  });
});
