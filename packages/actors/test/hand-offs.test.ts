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

  it('stops a process killed by the process its exit signal ran at once, at that exit call', async () => {
    system = await start({ schedulers: 1, reportCrashes: false });
    const log = await system.run(function* () {
      const log: string[] = [];
      const trapper = spawn(function* () {
        trapExit(true);
        const [, from] = (yield* receive()) as [string, Pid];
        exit(from, 'kill');
      });
      const sender = spawn(function* () {
        yield* receive(after(1)); // the trapper waits
        exit(trapper, 'please');
        log.push('the sender went on after its death');
      });
      const ref = monitor(sender);
      const [, , , , reason] = (yield* receive(on(['DOWN', ref, 'process', sender, _]))) as unknown[];
      log.push(`DOWN ${String(reason)}`);
      return log;
    });
    expect(log).toEqual(['DOWN killed']);
  });

  it('lets a body that caught its death make no new links or monitors', async () => {
    system = await start({ schedulers: 1, reportCrashes: false });
    const log = await system.run(function* () {
      const log: string[] = [];
      const bystander = spawn(function* () {
        yield* receive();
      });
      const killer = spawn(function* () {
        exit((yield* receive()) as Pid, 'kill');
      });
      const victim = spawn(function* () {
        yield* receive(after(1)); // the killer waits
        try {
          send(killer, self());
        } catch {
          log.push('caught its death');
        }
        for (const tie of [() => link(bystander), () => monitor(bystander)]) {
          try {
            tie();
            log.push('tied');
          } catch {
            log.push('refused');
          }
        }
      });
      const ref = monitor(victim);
      yield* receive(on(['DOWN', ref, 'process', victim, _]));
      return log;
    });
    expect(log).toEqual(['caught its death', 'refused', 'refused']);
  });

  it("runs a killed process's finally as that process, and hands off nothing from it", async () => {
    system = await start({ schedulers: 1, reportCrashes: false });
    const log = await system.run(function* () {
      const log: string[] = [];
      const me = self();
      const waiter = spawn(function* () {
        yield* receive();
        log.push('the waiter ran');
        send(me, 'done');
      });
      const victim = spawn(function* () {
        try {
          yield* receive();
        } finally {
          log.push(`finally runs as the victim: ${self() === victim}`);
          send(waiter, 'bye');
          log.push('finally goes on');
        }
      });
      yield* receive(after(1)); // both wait
      exit(victim, 'kill');
      log.push('the killer goes on');
      yield* receive(on('done'));
      return log;
    });
    expect(log).toEqual([
      'finally runs as the victim: true',
      'finally goes on',
      'the killer goes on',
      'the waiter ran',
    ]);
  });

  it('ends a receiver that the stack ran out under, with an error its monitors hear, never as normal', async () => {
    system = await start({ schedulers: 1, reportCrashes: false });
    // What the scheduler throws from a microtask about the stack that ran out, kept from vitest.
    const thrown: unknown[] = [];
    const realQueueMicrotask = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (callback) =>
      realQueueMicrotask(() => {
        try {
          callback();
        } catch (error) {
          thrown.push(error);
        }
      });
    try {
      const outcome = await system.run(function* () {
        const me = self();
        const receiver = spawn(function* () {
          for (;;) send(me, ['got', yield* receive()]);
        });
        const ref = monitor(receiver);
        yield* receive(after(1)); // the receiver waits
        // Sends from ever deeper in the stack until one gets through.
        let sent = false;
        const deep = (): void => {
          try {
            deep();
          } catch (error) {
            if (!(error instanceof RangeError)) throw error;
          }
          if (sent) return;
          try {
            send(receiver, 'near the limit');
            sent = true;
          } catch {
            // the stack ran out in this send: one level up has more room
          }
        };
        deep();
        send(receiver, 'later');
        // Lost neither way: it answers, or it ended and its monitor heard why.
        const message = (yield* receive(
          on(['got', 'later']),
          on(['DOWN', ref, 'process', receiver, _]),
          after(1000, () => 'nothing'),
        )) as unknown[] | string;
        if (typeof message === 'string') return message;
        return message[0] === 'got' ? 'answered' : message[4];
      });
      expect(outcome === 'answered' || outcome instanceof RangeError).toBe(true);
    } finally {
      globalThis.queueMicrotask = realQueueMicrotask;
    }
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
