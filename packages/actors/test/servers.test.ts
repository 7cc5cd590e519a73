/**
 * gen_server semantics: init and the three handlers, call/cast/reply, terminate, and what a call
 * does when the server is slow, dead or dies. Runs twice: the server on the caller's core, then on
 * the other of two cores (replies then come back through the caller's core's relay).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActorSystem,
  after,
  CallError,
  call,
  cast,
  exit,
  isAlive,
  monitor,
  on,
  type Pid,
  processInfo,
  type Request,
  receive,
  reply,
  self,
  send,
  serverRef,
  sleep,
  spawn,
  start,
  startServer,
  stopServer,
  trapExit,
  whereis,
} from '../dist/index.js';
import { thrown } from './thrown.js';
import { kvStore } from './workers/otp.mjs';

const next = (ms = 2000) => receive(after(ms, () => 'timeout' as const));

/** What `body` throws. */
describe.each([
  ['on one core', 1],
  ['across two cores', 2],
])('servers, %s', (_label, schedulers) => {
  let system: ActorSystem;
  let there: { affinity: number };
  const run = <T>(body: () => Generator<unknown, T, unknown>) => system.run(body);
  beforeAll(async () => {
    system = await start({ schedulers });
    there = { affinity: schedulers - 1 };
  });
  afterAll(() => system.stop());

  it('init makes the state, handleCall answers and changes it, typed by the protocol', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      expect(yield* call(kv, ['put', 'a', 1])).toBe('ok');
      expect(yield* call(kv, ['get', 'a'])).toBe(1);
      expect(yield* call(kv, ['get', 'b'])).toBeUndefined();
      const thread: number = yield* call(kv, ['where']);
      expect(thread === 0).toBe(schedulers === 1);
      yield* stopServer(kv);
    });
  });

  it('cast is handled in order with calls; other messages go to handleInfo', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      send(kv, { hello: 'info' });
      expect(yield* next()).toEqual(['info', { hello: 'info' }]);
      const waiter = spawn(function* () {
        const parent = (yield* receive()) as Pid;
        send(parent, ['waited', yield* call(kv, ['wait'])]);
      });
      send(waiter, self());
      // The waiter's call is in before the cast when the server answers ours.
      while (((yield* processInfo(kv))?.messageQueueLength ?? 0) > 0) yield* sleep(1);
      yield* sleep(10);
      cast(kv, ['release', 'now']);
      expect(yield* next()).toEqual(['waited', 'now']);
      yield* stopServer(kv);
    });
  });

  it('reply(from, value) answers later, from another process', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      const results = spawn(function* () {
        const parent = (yield* receive()) as Pid;
        const [a, b] = [yield* call(kv, ['wait']), yield* call(kv, ['get', 'x'])];
        send(parent, [a, b]);
      });
      send(results, self());
      yield* sleep(20);
      cast(kv, ['release', 'released']);
      expect(yield* next()).toEqual(['released', undefined]);
      yield* stopServer(kv);
    });
  });

  it('a call that times out fails with reason timeout, and the late reply never reaches the mailbox', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      // Answered only when told to, so the reply is late however slowly either core runs.
      const error = (yield* thrown(call(kv, ['wait'], 10))) as CallError;
      expect(CallError.isInstance(error)).toBe(true);
      expect(error.reason).toBe('timeout');
      expect(error.message).toMatch(/call to <0\.\d+\.\d+> failed: timeout \(no reply within 10 ms\)/);
      cast(kv, ['release', 'late']); // the server replies now, late
      // The next call's reply comes after the late one (both from the server, in order): once it is
      // here, the late one has been dealt with.
      expect(yield* call(kv, ['get', 'a'])).toBeUndefined(); // the next call gets its own reply
      expect((yield* processInfo(self()))?.messageQueueLength).toBe(0);
      expect(yield* receive(after(0, () => 'clean'))).toBe('clean');
      yield* stopServer(kv);
    });
  });

  it('a call to a server that dies mid-call fails with its exit reason; terminate ran first', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      const error = (yield* thrown(call(kv, ['throw', 'mid-call']))) as CallError;
      expect(error.reason).toBeInstanceOf(Error);
      expect((error.reason as Error).message).toBe('mid-call');
      const [tag, pid, reason] = (yield* next()) as [string, Pid, Error];
      expect([tag, pid, reason.message]).toEqual(['terminated', kv, 'mid-call']);
      expect(isAlive(kv)).toBe(false);

      // Killed while the caller waits: the reason is 'killed', and terminate does not run.
      const other = yield* startServer(kvStore, [self()], there);
      const killer = spawn(function* () {
        yield* sleep(20);
        exit(other, 'kill');
      });
      const killed = (yield* thrown(call(other, ['sleep', 5000, 'never']))) as CallError;
      expect([killed.reason, isAlive(killer)]).toEqual(['killed', false]);
      expect(yield* receive(after(20, () => 'no terminate'))).toBe('no terminate');
    });
  });

  it('calls to dead pids and unknown names fail with noproc; calling oneself with calling_self', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      yield* stopServer(kv);
      expect(yield* next()).toEqual(['terminated', kv, 'normal']);
      const dead = (yield* thrown(call(kv, ['get', 'a']))) as CallError;
      expect([dead.reason, dead.target]).toEqual(['noproc', kv]);
      expect(dead.message).toMatch(/failed: noproc \(no process is alive at that pid\)/);
      const unknown = (yield* thrown(call('nobody-here', 'hi'))) as CallError;
      expect(unknown.message).toBe(
        'call to "nobody-here" failed: noproc (nobody is registered under that name)',
      );
      const me = (yield* thrown(call(self(), 'hi'))) as CallError;
      expect(me.reason).toBe('calling_self');
      expect(() => cast(kv, ['release', 1])).not.toThrow(); // a cast to a dead server is dropped
      expect(() => cast('nobody-here', ['release', 1])).not.toThrow();
    });
  });

  it('servers are addressed by registered name; serverRef types the name', async () => {
    const name = `kv-${schedulers}`;
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], { ...there, name });
      expect(whereis(name)).toBe(kv);
      const typed = serverRef(kvStore, name);
      expect(yield* call(typed, ['put', 'k', 'v'])).toBe('ok');
      expect(yield* call(name, ['get', 'k'])).toBe('v');
      cast(typed, ['stop', 'normal']);
      expect(yield* next()).toEqual(['terminated', kv, 'normal']);
    });
  });

  it('["stop", reason, reply, state] replies after terminate, then the server exits', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      const ref = monitor(kv);
      expect(yield* call(kv, ['stop', 'bye'])).toBe('bye');
      expect(yield* next()).toEqual(['terminated', kv, 'normal']);
      expect(yield* next()).toEqual(['DOWN', ref, 'process', kv, 'normal']);
    });
  });

  it('a server that traps exits terminates when its parent exits', async () => {
    await run(function* () {
      const me = self();
      const parent = spawn(function* () {
        const kv = yield* startServer(kvStore, [me, { trap: true }], { ...there, link: true });
        send(me, ['server', kv]);
        yield* receive(on('die'));
        exit('shutdown');
      });
      const [, kv] = (yield* next()) as [string, Pid];
      send(parent, 'die');
      expect(yield* next()).toEqual(['terminated', kv, 'shutdown']);
    });
  });

  it("a failing init fails the start with init's error; a linked caller is not killed by it", async () => {
    await run(function* () {
      trapExit(true);
      const error = (yield* thrown(
        startServer(kvStore, [self(), { failWith: 'bad config' }], { ...there, link: true }),
      )) as Error;
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe('bad config');
      expect(yield* receive(after(30, () => 'no EXIT'))).toBe('no EXIT');
      trapExit(false);
    });
  });

  it('a handler that returns something else crashes the server, naming what it must return', async () => {
    await run(function* () {
      const kv = yield* startServer(kvStore, [self()], there);
      const error = (yield* thrown(call(kv, ['bad']))) as CallError;
      expect((error.reason as Error).message).toBe(
        "handleCall must return ['reply', reply, state], ['noreply', state], ['stop', reason, reply, state] or ['stop', reason, state], got [\"oops\"]",
      );
      const [tag, , reason] = (yield* next()) as [string, Pid, Error];
      expect([tag, reason.name]).toEqual(['terminated', 'TypeError']);
    });
  });
});

describe('servers from outside any process, and bad arguments', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await start({ schedulers: 1 });
  });
  afterAll(() => system.stop());

  it('startServer, call and stopServer are awaitable from async code', async () => {
    const observer = spawn(function* () {
      for (;;) yield* receive();
    });
    const kv = await startServer(kvStore, [observer], { name: 'outside' });
    expect(await call(kv, ['put', 'x', 42])).toBe('ok');
    expect(await call('outside', ['get', 'x'])).toBe(42);
    await expect(call(kv, ['sleep', 50, 'late'], 5)).rejects.toMatchObject({ reason: 'timeout' });
    await stopServer('outside');
    await expect(call('outside', ['get', 'x'])).rejects.toMatchObject({ reason: 'noproc' });
    await expect(stopServer(kv)).rejects.toMatchObject({ reason: 'noproc' });
  });

  it('rejects bad arguments at once, naming them', () => {
    expect(() => call(-1 as Pid, 'x')).toThrow('server must be a pid or a registered name, got -1');
    expect(() => call('' as string, 'x')).toThrow('server must be a pid or a registered name, got ""');
    expect(() => call('kv', 'x', -5)).toThrow(RangeError);
    expect(() => call('kv', 'x', -5)).toThrow(/timeoutMs must be a number of milliseconds/);
    expect(() => cast({} as Pid, 'x')).toThrow(/server must be a pid or a registered name/);
    expect(() => startServer((() => 0) as never, [])).toThrow(
      /definition must be a server made by defineServer/,
    );
    expect(() => startServer(kvStore, 'x' as never)).toThrow(/args must be an array/);
    expect(() => startServer(kvStore, [1 as Pid], { timeoutMs: -1 })).toThrow(/options\.timeoutMs must be/);
    expect(() => reply([1, 2] as never, 'x')).toThrow(/from must be the `from` that handleCall was given/);
    expect(() => startServer(kvStore, [1 as Pid], { link: true })).toThrow(
      /options\.link needs a calling process to link to; outside processes, start it unlinked/,
    );
  });

  it('types requests and replies (checked by tsc)', async () => {
    const pid = 1 as Pid;
    const typed = serverRef(kvStore, 'typed');
    // @ts-expect-error not a request of the protocol
    const unknownRequest = () => call(typed, ['gte', 'a']);
    // @ts-expect-error a cast that is not in the protocol
    const unknownCast = () => cast(typed, ['nope']);
    const thread: () => Promise<number> = async () => await call(typed, ['where']);
    const ok: () => Promise<'ok'> = async () => await call(typed, ['put', 'k', 1]);
    const untyped: () => Promise<unknown> = async () => await call(pid, 'anything');
    const request: Request<['x'], number> = ['x'];
    expect([unknownRequest, unknownCast, thread, ok, untyped, request].length).toBe(6);
  });
});
