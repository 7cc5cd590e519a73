import { afterEach, describe, expect, it } from 'vitest';
import {
  _,
  type ActorSystem,
  after,
  exit,
  isAlive,
  link,
  monitor,
  on,
  type Pid,
  receive,
  register,
  self,
  send,
  spawn,
  start,
  trapExit,
  whereis,
} from '../dist/index.js';

// A message to a process that waits for it runs the receiver's slice inside the sender's `send`
// (`Scheduler.handOff`). These tests hold the runtime to what a process that was simply woken
// later would have seen.
describe('a message handled at once, inside the send', () => {
  let system: ActorSystem | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  it('runs the receiver before the sender goes on, on the same core', async () => {
    system = await start({ schedulers: 1 });
    const log = await system.run(function* () {
      const log: string[] = [];
      const receiver = spawn(function* () {
        log.push(`received ${String(yield* receive())}`);
      });
      yield* receive(after(1)); // the receiver waits
      send(receiver, 'hello');
      log.push('sender goes on');
      return log;
    });
    expect(log).toEqual(['received hello', 'sender goes on']);
  });

  it('runs it after the sender goes on when maxHandOffsPerSlice is 0', async () => {
    system = await start({ schedulers: 1, maxHandOffsPerSlice: 0 });
    const log = await system.run(function* () {
      const log: string[] = [];
      const me = self();
      const receiver = spawn(function* () {
        log.push(`received ${String(yield* receive())}`);
        send(me, 'done');
      });
      yield* receive(after(1));
      send(receiver, 'hello');
      log.push('sender goes on');
      yield* receive(on('done'));
      return log;
    });
    expect(log).toEqual(['sender goes on', 'received hello']);
    await system.stop();
    system = undefined;
    await expect(start({ maxHandOffsPerSlice: -1 })).rejects.toThrow(/options.maxHandOffsPerSlice/);
  });

  it('makes a sender that the receiver kills dead at once: no more code, not alive, its name free', async () => {
    system = await start({ schedulers: 1, reportCrashes: false });
    const log = await system.run(function* () {
      const log: string[] = [];
      const killer = spawn(function* () {
        const from = (yield* receive()) as Pid;
        send(from, 'reply');
        exit(from, 'kill');
        log.push(`alive after the kill: ${isAlive(from)}`);
        log.push(`its name: ${String(whereis('victim'))}`);
        register('victim', self()); // free again
        log.push('took its name');
      });
      const victim = spawn(function* () {
        register('victim', self());
        yield* receive(after(1)); // the killer waits
        send(killer, self());
        log.push('the victim went on after its death');
        yield* receive();
      });
      const ref = monitor(victim);
      const [, , , , reason] = (yield* receive(on(['DOWN', ref, 'process', victim, _]))) as unknown[];
      log.push(`DOWN ${String(reason)}`);
      return log;
    });
    expect(log).toEqual([
      'alive after the kill: false',
      'its name: undefined',
      'took its name',
      'DOWN killed',
    ]);
  });

  it('runs nothing when a process stops the system: a process that traps exits does not handle its EXIT', async () => {
    system = await start({ schedulers: 1, reportCrashes: false });
    const stopping = system;
    const log: string[] = [];
    const linked = spawn(function* () {
      yield* receive();
    });
    spawn(function* () {
      trapExit(true);
      link(linked);
      const message = (yield* receive()) as unknown[];
      log.push(`handled ${String(message[0])}`);
    });
    // Stopped from a process; `stop` ends that one too, so it hands its promise out.
    await new Promise<void>((resolve) => {
      spawn(function* () {
        yield* receive(after(5)); // everyone waits
        resolve(stopping.stop());
      });
    });
    system = undefined;
    expect(log).toEqual([]);
  });
});
