/**
 * What outlives a system must not outlive it wrongly: a second `start()` gives out the same pids
 * again, so nothing may be found by pid from the first. And what awaits a process settles however
 * the process ends — the system stopping before its first slice included.
 */
import { expect, it } from 'vitest';
import {
  type ActorSystem,
  CallError,
  call,
  ExitSignal,
  type Pid,
  receive,
  self,
  send,
  spawn,
  spawnSettled,
  start,
  startServer,
} from '../dist/index.js';
import { kvStore } from './workers/otp.mjs';
import { echo } from './workers/procs.mjs';

it('spawnSettled resolves with what the body returns, and rejects with what ends it', async () => {
  const system = await start({ schedulers: 1 });
  const [pid, ended] = spawnSettled(function* () {
    return yield* receive();
  });
  send(pid, 'hello');
  await expect(ended).resolves.toBe('hello');
  const [, thrown] = spawnSettled(function* () {
    yield;
    throw new RangeError('boom');
  });
  await expect(thrown).rejects.toThrow('boom');
  expect(() => spawnSettled(function* () {}, { affinity: 0 } as never)).toThrow(/options\.affinity/);
  const [, stopped] = spawnSettled(function* () {
    yield* receive();
  });
  const stopping = system.stop();
  await expect(stopped).rejects.toEqual(new ExitSignal('shutdown'));
  await stopping;
});

it("settles an awaited call with 'shutdown' when the system stops before it ran", async () => {
  const system = await start({ schedulers: 1 });
  const silent = spawn(function* () {
    yield* receive();
  });
  const awaited = call(silent, ['x'], 60_000).then(
    () => 'answered',
    (error: unknown) => error,
  );
  await system.stop();
  expect(await awaited).toMatchObject({ reason: 'shutdown' });
});

it('calls work after a restart, even when the first system stopped before its relay ever ran', async () => {
  let system: ActorSystem = await start({ schedulers: 1 });
  const silent = spawn(function* () {
    yield* receive();
  });
  // The first call starts this thread's relay; the system stops before the relay's first slice.
  spawn(function* () {
    try {
      yield* call(silent, ['x'], 50);
    } catch {}
  });
  let stopping: Promise<void> | undefined;
  // biome-ignore lint/correctness/useYield: it stops the system in its first slice, before the relay's
  spawn(function* () {
    stopping = system.stop();
  });
  // However late the event loop runs that slice: wait for it, not for a time.
  while (stopping === undefined) await new Promise((resolve) => setImmediate(resolve));
  await stopping;

  system = await start({ schedulers: 2 });
  // Bystanders take the pids the first system gave out: none of them may get a reply meant for a call.
  const strays: unknown[] = [];
  const bystanders = Array.from({ length: 6 }, () =>
    spawn(function* () {
      for (;;) strays.push([self(), yield* receive()]);
    }),
  );
  const kv = await startServer(kvStore, [bystanders[0] as Pid], { affinity: 1 });
  await expect(call(kv, ['put', 'a', 1], 20_000)).resolves.toBe('ok');
  const quiet = spawn(function* () {
    for (;;) yield* receive();
  });
  const timedOut = await call(quiet, ['x'], 100).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(CallError.isInstance(timedOut) && timedOut.reason).toBe('timeout');
  expect(strays).toEqual([]);
  await system.stop();
}, 30_000);

it('spawnSettled runs a module-level definition here too, and settles what stop() ends, even what ending started', async () => {
  const system = await start({ schedulers: 2 });
  const [pid, ended] = spawnSettled(echo);
  expect((await system.processInfo(pid))?.core).toBe(0);
  send(pid, [pid, 'stop']);
  await expect(ended).resolves.toBe('stopped');
  let late: Promise<unknown> | undefined;
  let entered = false;
  const [, first] = spawnSettled(function* () {
    try {
      entered = true; // and it waits in the receive, in this same slice
      yield* receive();
    } finally {
      // Started while stop() ends this one.
      late = spawnSettled(function* () {
        yield* receive();
      })[1];
      late.catch(() => {}); // looked at below, after stop()
    }
  });
  first.catch(() => {});
  // Stopped once it is inside its try (a process stopped before its first slice has no finally to run).
  while (!entered) await new Promise((resolve) => setImmediate(resolve));
  await system.stop();
  await expect(late).rejects.toEqual(new ExitSignal('shutdown'));
}, 30_000);

it('an awaited operation rejects, rather than throws, when it cannot start', async () => {
  const failed = call(12345678 as Pid, ['x']).catch((error: unknown) => error);
  expect(await failed).toMatchObject({ message: expect.stringMatching(/no actor system is running/) });
});
