/**
 * Conformance with the Erlang Reference Manual, chapters "Processes" (§ Process Creation, Registered
 * Processes, Process Termination, Message Sending, Links, Error Handling, Monitors, Process
 * Dictionary) and "Errors and Error Handling" (§ Exit Reasons). Each test quotes or paraphrases the
 * rule it checks. The suite runs twice: every process on one core, then the processes under test on
 * the other core of two, so every rule holds across cores as well.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  _,
  type ActorSystem,
  after,
  demonitor,
  exit,
  heap,
  isAlive,
  isNumber,
  link,
  monitor,
  on,
  type Pid,
  processInfo,
  receive,
  register,
  self,
  send,
  spawn,
  spawnLink,
  spawnMonitor,
  start,
  trapExit,
  unlink,
  unregister,
  whereis,
} from '../dist/index.js';
import {
  counter,
  dieOn,
  echo,
  hog,
  linker,
  poke,
  registrar,
  throwAtOnce,
  throwOn,
  trapper,
} from './workers/procs.mjs';

/** The next message, or 'timeout' after `ms`. */
const next = (ms = 2000) => receive(after(ms, () => 'timeout' as const));

/** Memory every core is given at start: views on it can be shared. */
const userBuffer = new SharedArrayBuffer(64);

describe.each([
  ['on one core', 1],
  ['across two cores', 2],
])('Erlang process semantics, %s', (_label, schedulers) => {
  let system: ActorSystem;
  const run = <T>(body: () => Generator<unknown, T, unknown>) => system.run(body);
  /** Where the processes under test run: the other core when there are two. */
  let there: { affinity: number };
  beforeAll(async () => {
    system = await start({ schedulers, sharedBuffers: [userBuffer] });
    there = { affinity: schedulers - 1 };
  });
  afterAll(() => system.stop());

  describe('Message Sending', () => {
    it('"Sending a message to a pid that does not exist succeeds and has no effect"', async () => {
      await run(function* () {
        const [pid, ref] = spawnMonitor(dieOn, ['normal'], there);
        send(pid, 'go');
        expect(yield* next()).toEqual(['DOWN', ref, 'process', pid, 'normal']);
        expect(() => send(pid, 'into the void')).not.toThrow();
      });
    });

    it('"if a process sends messages to another, they are received in the order sent" (1,000 of them)', async () => {
      const received = await run(function* () {
        spawn(counter, [self(), 1000], there);
        const seen: number[] = [];
        for (;;) {
          const message = yield* receive();
          if (message === 'done') return seen;
          seen.push((message as [string, number])[1]);
        }
      });
      expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    });

    it('pids are valid on every core and compare by value', async () => {
      await run(function* () {
        const pid = spawn(echo, [], there);
        send(pid, [self(), 'who']);
        const [text] = (yield* next()) as [string];
        expect(text).toBe('WHO');
        const [other, ref] = spawnMonitor(dieOn, [self()], there);
        send(other, 'go');
        // The reason is our own pid, copied there and back: still equal to self().
        expect(yield* next()).toEqual(['DOWN', ref, 'process', other, self()]);
      });
    });
  });

  describe('Receive', () => {
    it('"messages that do not match stay in the mailbox, in order", and are received later', async () => {
      const order = await run(function* () {
        const me = self();
        send(me, ['b', 1]);
        send(me, ['a', 2]);
        send(me, ['b', 3]);
        const first = yield* receive(on(['a', isNumber], ([, n]) => n));
        const rest = [yield* receive(), yield* receive()];
        return [first, ...rest];
      });
      expect(order).toEqual([2, ['b', 1], ['b', 3]]);
    });

    it('"after 0" looks at the mailbox once and does not wait; "after T" waits T ms at most', async () => {
      const [polled, waited, elapsed] = await run(function* () {
        const polled = yield* receive(
          on('nothing'),
          after(0, () => 'empty'),
        );
        const started = performance.now();
        const waited = yield* receive(
          on('nothing'),
          after(30, () => 'timed out'),
        );
        return [polled, waited, performance.now() - started];
      });
      expect([polled, waited]).toEqual(['empty', 'timed out']);
      expect(elapsed).toBeGreaterThanOrEqual(29);
    });

    it('a message arriving from another core wakes a receive that waits for it', async () => {
      const reply = await run(function* () {
        const pid = spawn(echo, [], there);
        send(pid, [self(), 'wake']);
        return yield* receive(
          on([_, isNumber], ([text]) => text),
          after(2000, () => 'timeout'),
        );
      });
      expect(reply).toBe('WAKE');
    });
  });

  describe('Links and exit signals', () => {
    it('"exit reason normal does not kill linked processes"', async () => {
      await run(function* () {
        const subject = spawn(dieOn, ['normal'], there);
        const [watcher, ref] = spawnMonitor(linker, [subject, self()], there);
        expect(yield* next()).toEqual(['linked', watcher]);
        send(subject, 'go');
        expect(yield* receive(after(50, () => 'still alive'))).toBe('still alive');
        expect(isAlive(watcher)).toBe(true);
        exit(watcher, 'kill');
        expect(yield* next()).toEqual(['DOWN', ref, 'process', watcher, 'killed']);
      });
    });

    it('"a non-normal exit reason kills linked processes that do not trap exits, with the same reason"', async () => {
      await run(function* () {
        const subject = spawn(dieOn, ['boom'], there);
        const [watcher, ref] = spawnMonitor(linker, [subject, self()], there);
        yield* next();
        send(subject, 'go');
        expect(yield* next()).toEqual(['DOWN', ref, 'process', watcher, 'boom']);
      });
    });

    it('"a process trapping exits receives exit signals as {\'EXIT\', From, Reason} messages"', async () => {
      await run(function* () {
        const t = spawn(trapper, [self()], there);
        expect(yield* next()).toEqual(['ready', t]);
        send(t, 'hello');
        expect(yield* next()).toEqual(['got', 'hello']);
        exit(t, 'custom reason');
        expect(yield* next()).toEqual(['got', ['EXIT', self(), 'custom reason']]);
        exit(t, 'normal');
        expect(yield* next()).toEqual(['got', ['EXIT', self(), 'normal']]);
        exit(t, 'kill');
      });
    });

    it('"kill cannot be trapped", and linked processes see the reason killed', async () => {
      await run(function* () {
        trapExit(true);
        const t = spawnLink(trapper, [self()], there);
        expect(yield* next()).toEqual(['ready', t]);
        exit(t, 'kill');
        expect(yield* next()).toEqual(['EXIT', t, 'killed']);
        trapExit(false);
      });
    });

    it('"exit(Pid, normal) is ignored by a process that does not trap exits"', async () => {
      await run(function* () {
        const [subject, ref] = spawnMonitor(dieOn, ['done'], there);
        exit(subject, 'normal');
        expect(yield* receive(after(50, () => 'alive'))).toBe('alive');
        send(subject, 'go');
        expect(yield* next()).toEqual(['DOWN', ref, 'process', subject, 'done']);
      });
    });

    it('"a process that raises an exception exits with it as its reason"', async () => {
      await run(function* () {
        trapExit(true);
        const subject = spawnLink(throwOn, ['it broke'], there);
        send(subject, 'go');
        const [tag, from, reason] = (yield* next()) as [string, Pid, Error];
        expect([tag, from]).toEqual(['EXIT', subject]);
        expect(reason).toBeInstanceOf(Error);
        expect(reason.message).toBe('it broke');
        trapExit(false);
      });
    });

    it('"linking to a process that does not exist gives an exit signal with reason noproc"', async () => {
      await run(function* () {
        trapExit(true);
        const [gone, ref] = spawnMonitor(dieOn, ['normal'], there);
        send(gone, 'go');
        yield* receive(on(['DOWN', ref, _, _, _]));
        link(gone);
        expect(yield* next()).toEqual(['EXIT', gone, 'noproc']);
        trapExit(false);
      });
    });

    it('"unlink removes the link: no exit signal crosses it afterwards"', async () => {
      await run(function* () {
        trapExit(true);
        const subject = spawnLink(dieOn, ['boom'], there);
        unlink(subject);
        const ref = monitor(subject);
        send(subject, 'go');
        expect(yield* next()).toEqual(['DOWN', ref, 'process', subject, 'boom']);
        expect(yield* receive(after(30, () => 'no EXIT'))).toBe('no EXIT');
        trapExit(false);
      });
    });

    it('spawnLink links before the child runs: a child that dies in its first slice is seen dying of its error', async () => {
      await run(function* () {
        trapExit(true);
        // Across cores the child runs at once; a link made after the spawn could find it dead and
        // report 'noproc' instead of the child's own error.
        const child = spawnLink(throwAtOnce, ['early'], there);
        const [tag, from, reason] = (yield* next()) as [string, Pid, Error];
        expect([tag, from, reason.message]).toEqual(['EXIT', child, 'early']);
        trapExit(false);
      });
    });
  });

  describe('Copy vs share', () => {
    it('share hands heap() memory and the sharedBuffers over by reference; copy gives the receiver its own', async () => {
      await run(function* () {
        const poker = spawn(poke, [7], there);
        const mine = heap().i32(4);
        send(poker, [self(), mine], { mode: 'share' });
        expect(yield* next()).toEqual(['poked', 7]);
        expect(mine[0]).toBe(7);
        const user = new Float64Array(userBuffer, 8, 2);
        send(poker, [self(), user], { mode: 'share' });
        expect(yield* next()).toEqual(['poked', 7]);
        expect(user[0]).toBe(7);
        const copied = heap().i32(4);
        send(poker, [self(), copied]);
        expect(yield* next()).toEqual(['poked', 7]);
        expect(copied[0]).toBe(0);
        exit(poker, 'kill');
      });
    });
  });

  describe('Copy vs share, by default', () => {
    it("a process spawned with mode 'share' shares what it sends unless told to copy; others copy", async () => {
      await run(function* () {
        const me = self();
        const payload = { n: 1 };
        spawn(
          // biome-ignore lint/correctness/useYield: it sends and ends in one slice
          function* () {
            send(me, ['shared', payload]);
            send(me, ['copied', payload], { mode: 'copy' });
          },
          { mode: 'share' },
        );
        // biome-ignore lint/correctness/useYield: it sends and ends in one slice
        spawn(function* () {
          send(me, ['by default', payload]);
        });
        const got = new Map<string, unknown>();
        for (let i = 0; i < 3; i++) {
          const [tag, value] = (yield* receive()) as [string, unknown];
          got.set(tag, value);
        }
        expect(got.get('shared')).toBe(payload);
        expect(got.get('copied')).not.toBe(payload);
        expect(got.get('copied')).toEqual(payload);
        expect(got.get('by default')).not.toBe(payload);
      });
    });
  });

  describe('Monitors', () => {
    it('"a DOWN message is sent when the monitored process exits", with its reason', async () => {
      await run(function* () {
        const subject = spawn(dieOn, [{ why: 'a map reason' }], there);
        const ref = monitor(subject);
        send(subject, 'go');
        expect(yield* next()).toEqual(['DOWN', ref, 'process', subject, { why: 'a map reason' }]);
      });
    });

    it('"monitoring a process that does not exist gives DOWN with reason noproc at once"', async () => {
      await run(function* () {
        const [gone, first] = spawnMonitor(dieOn, ['normal'], there);
        send(gone, 'go');
        yield* receive(on(['DOWN', first, _, _, _]));
        const ref = monitor(gone);
        expect(yield* next()).toEqual(['DOWN', ref, 'process', gone, 'noproc']);
      });
    });

    it('"demonitor turns the monitor off"; with flush the DOWN already queued is removed too', async () => {
      await run(function* () {
        const [subject, ref] = spawnMonitor(dieOn, ['boom'], there);
        demonitor(ref);
        send(subject, 'go');
        expect(yield* receive(after(50, () => 'no DOWN'))).toBe('no DOWN');
        const [other, ref2] = spawnMonitor(dieOn, ['boom'], there);
        const ref3 = monitor(other);
        send(other, 'go');
        // The second monitor's DOWN arrives after the first's: once it is here, so is the first.
        yield* receive(on(['DOWN', ref3, _, _, _]));
        expect((yield* processInfo(self()))?.messageQueueLength).toBe(1);
        demonitor(ref2, { flush: true });
        expect(yield* receive(after(0, () => 'flushed'))).toBe('flushed');
      });
    });
  });

  describe('Registered processes', () => {
    it('"register associates a name with a pid, on every core; the name is freed when the process exits"', async () => {
      await run(function* () {
        const name = `reg-${schedulers}`;
        const pid = spawn(registrar, [name, self()], there);
        expect(yield* next()).toEqual(['registered', pid]);
        expect(whereis(name)).toBe(pid);
        expect(() => register(name)).toThrow(/is registered already/);
        const ref = monitor(pid);
        send(name, 'bye');
        yield* receive(on(['DOWN', ref, _, _, _]));
        expect(whereis(name)).toBeUndefined();
        expect(() => send(name, 'x')).toThrow(/no process is registered as/);
      });
    });

    it('a send to a name reaches whoever holds it now, after the name was freed and taken again elsewhere', async () => {
      await run(function* () {
        const name = `taken-again-${schedulers}`;
        for (let round = 0; round < 3; round++) {
          const pid = spawn(registrar, [name, self()], there);
          expect(yield* next()).toEqual(['registered', pid]);
          expect(whereis(name)).toBe(pid);
          const ref = monitor(pid);
          send(name, 'bye');
          yield* receive(on(['DOWN', ref, _, _, _]));
          expect(() => send(name, 'x')).toThrow(/no process is registered as/);
        }
      });
    });

    it('unregister frees a name for another process', async () => {
      await run(function* () {
        register(`me-${schedulers}`);
        expect(whereis(`me-${schedulers}`)).toBe(self());
        unregister(`me-${schedulers}`);
        expect(whereis(`me-${schedulers}`)).toBeUndefined();
        expect(() => unregister(`me-${schedulers}`)).toThrow(/is not registered/);
      });
    });
  });

  describe('Process memory', () => {
    it('a process past its maxHeapSize exits with max_heap_size (even if it catches the error)', async () => {
      await run(function* () {
        const [pid, ref] = spawnMonitor(hog, [self()], { ...there, maxHeapSize: 1 << 20 });
        expect(yield* next()).toEqual(['hogging', pid]);
        expect(yield* next()).toEqual(['DOWN', ref, 'process', pid, 'max_heap_size']);
      });
    });
  });

  it('processInfo reports a process on any core, and nothing for one that is gone', async () => {
    const target = await run(function* () {
      const me = self();
      spawn(registrar, ['infoTarget', me], there);
      const [, pid] = (yield* next()) as [string, Pid];
      const ref = monitor(pid);
      const info = yield* processInfo(pid);
      expect(info).toMatchObject({
        pid,
        core: there.affinity,
        registeredName: 'infoTarget',
        messageQueueLength: 0,
        monitoredBy: [me],
        trapExit: false,
      });
      expect(info?.slices).toBeGreaterThan(0);
      expect(yield* receive(after(0, () => 'clean'))).toBe('clean');
      demonitor(ref);
      return pid;
    });
    // From outside any process too.
    expect(await system.processInfo(target)).toMatchObject({ pid: target, core: there.affinity });
    await run(function* () {
      const ref = monitor(target);
      send(target, 'done');
      yield* receive(on(['DOWN', ref, _, _, _]));
      expect(yield* processInfo(target)).toBeUndefined();
      expect(yield* receive(after(0, () => 'clean'))).toBe('clean');
    });
  });

  it('processInfo reports a local process', async () => {
    await run(function* () {
      send(self(), 'queued');
      const info = yield* processInfo(self());
      expect(info).toMatchObject({
        pid: self(),
        core: 0,
        messageQueueLength: 1,
        status: 'runnable',
        trapExit: false,
      });
      yield* receive();
    });
  });
});
