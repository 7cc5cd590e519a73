import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  _,
  type ActorSystem,
  after,
  exit,
  isAlive,
  monitor,
  on,
  type Pid,
  pidToString,
  processes,
  processInfo,
  receive,
  register,
  SystemLimitError,
  self,
  send,
  spawn,
  spawnLink,
  spawnMonitor,
  start,
  trapExit,
  unregister,
  whereis,
} from '../dist/index.js';
import { crashThread, echo, echoBack, idle, misnamed, registrar } from './workers/procs.mjs';

let system: ActorSystem | undefined;
const run = <T>(body: () => Generator<unknown, T, unknown>) => (system as ActorSystem).run(body);
afterEach(async () => {
  await system?.stop();
  system = undefined;
});

const next = (ms = 3000) => receive(after(ms, () => 'timeout' as const));

// Most of these start worker threads: far slower than the default 5 s allow on a loaded machine.
describe('faults', { timeout: 30_000 }, () => {
  it('a worker thread that dies takes its processes with reason scheduler_down; links and monitors elsewhere hear it', async () => {
    system = await start({ schedulers: 2 });
    await run(function* () {
      trapExit(true);
      const doomed = spawnLink(idle, [self()], { affinity: 1 });
      const [tag, pid] = (yield* next()) as [string, Pid];
      expect([tag, pid]).toEqual(['idle', doomed]);
      const named = spawn(registrar, ['doomed-name', self()], { affinity: 1 });
      yield* receive(on(['registered', named]));
      const ref = monitor(named);
      const crasher = spawn(crashThread, [], { affinity: 1 });
      send(crasher, 'go');
      const signals = [yield* next(), yield* next()];
      expect(signals).toEqual(
        expect.arrayContaining([
          ['EXIT', doomed, 'scheduler_down'],
          ['DOWN', ref, 'process', named, 'scheduler_down'],
        ]),
      );
      expect(whereis('doomed-name')).toBeUndefined();
      // Its load count starts again from nothing: not below, which would draw every spawn to it.
      expect((system as ActorSystem).group.stats()[1]?.placed).toBe(0);
      // The replacement core takes new processes.
      const fresh = spawn(echo, [], { affinity: 1 });
      send(fresh, [self(), 'again']);
      const [text] = (yield* receive(on([_, _]))) as [string, number];
      expect(text).toBe('AGAIN');
      trapExit(false);
    });
  });

  it('spawning past maxProcesses fails with system_limit, and a freed slot can be used again', async () => {
    system = await start({ schedulers: 1, maxProcesses: 3 });
    await run(function* () {
      const [a, ref] = spawnMonitor(function* () {
        yield* receive();
      });
      spawn(function* () {
        yield* receive();
      });
      let error: unknown;
      try {
        spawn(function* () {});
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SystemLimitError);
      expect((error as SystemLimitError).reason).toBe('system_limit');
      send(a, 'stop');
      yield* receive(on(['DOWN', ref, _, _, _]));
      expect(() => spawn(function* () {})).not.toThrow();
    });
  });

  it('a slot used more than 1,023 times, on either core, gives each process its own pid; an old pid stays dead', async () => {
    // One slot for the process that runs the test, one that every spawn reuses: its generation
    // wraps from 1,023 to 1, and each of its processes is found on the core it was placed on.
    system = await start({ schedulers: 2, maxProcesses: 2 });
    const seen = await run(function* () {
      const me = self();
      const pids: string[] = [];
      let previous: Pid | undefined;
      for (let i = 0; i < 1_100; i++) {
        const pid = spawn(echo, [], { affinity: i % 2 });
        expect(pid).not.toBe(previous);
        if (previous !== undefined) expect(isAlive(previous)).toBe(false);
        send(pid, [me, 'hi']);
        const [text] = (yield* next()) as [string, number];
        expect(text).toBe('HI');
        const info = yield* processInfo(pid);
        expect(info?.core).toBe(i % 2);
        const ref = monitor(pid);
        send(pid, [me, 'stop']);
        yield* receive(on(['DOWN', ref, _, _, _]));
        expect(isAlive(pid)).toBe(false);
        pids.push(pidToString(pid));
        previous = pid;
      }
      return pids;
    });
    const generations = seen.map((pid) => Number(pid.slice(1, -1).split('.')[2]));
    expect(new Set(seen.map((pid) => pid.split('.')[1])).size).toBe(1);
    expect(generations.slice(0, 3)).toEqual([1, 2, 3]);
    expect(generations.slice(1021, 1025)).toEqual([1022, 1023, 1, 2]);
  });

  it('rejects bad arguments with errors that name them', async () => {
    system = await start({ schedulers: 1 });
    expect(() => send('nobody' as never, 1)).toThrow(/dest: no process is registered as "nobody"/);
    expect(() => send(-5 as Pid, 1)).toThrow(/dest must be a pid/);
    expect(() => self()).toThrow(/self\(\) must be called inside a process/);
    expect(() => after(-1)).toThrow(/ms must be a number of milliseconds/);
    expect(() => spawn(function* () {}, { affinity: 3 })).toThrow(
      /options\.affinity must be 'local' or a scheduler index from 0 to 0/,
    );
    expect(() => spawn(function* () {}, { colour: 'red' } as never)).toThrow(
      /options\.colour is not a spawn option/,
    );
    expect(() => spawn(function* () {}, { link: true })).toThrow(/options\.link needs a calling process/);
    expect(() => spawn(function* () {}, { maxHeapSize: -1 })).toThrow(
      /options\.maxHeapSize must be a number of bytes/,
    );
    expect(() => register('x', 1 as Pid)).toThrow(/pid must be a pid/);
    expect(() => spawn(idle, [(() => 0) as never])).toThrow('args[0] cannot be copied: it is a function');
    expect(() => unregister(undefined as never)).toThrow(/name must be a non-empty string/);
    expect(() => send(self as never, 1)).toThrow(/dest must be a pid/);
    const pid = spawn(function* () {
      yield* receive();
    });
    expect(() => send(pid, 1, null as never)).toThrow(/options must be an options object/);
    expect(() => send(pid, 1, { mode: 'move' as never })).toThrow(/options\.mode must be 'copy' or 'share'/);
    expect(processes()).toContain(pid);
    await expect(start()).rejects.toThrow(/an actor system is running already/);
    await system.stop();
    await expect(start({ schedulers: 0 })).rejects.toThrow(/options\.schedulers must be an integer from 1/);
    await expect(start({ maxProcesses: 2 ** 22 })).rejects.toThrow(
      /options\.maxProcesses must be an integer from 1 to 2097152/,
    );
    system = await start({ schedulers: 1 });
    const silent = spawn(function* () {
      yield* receive();
    });
    await expect(system.ask(silent, () => 'anyone?', 20)).rejects.toThrow(/timeout: no reply within 20 ms/);
    expect(() => system?.ask(silent, () => 0, -1)).toThrow(/timeoutMs must be a number of milliseconds/);
  });
});

describe('the bridge from async code, and names', { timeout: 30_000 }, () => {
  it('system.run settles however its process ends: returned, thrown, killed', async () => {
    system = await start({ schedulers: 1 });
    const sys = system;
    expect(
      await sys.run(function* () {
        yield;
        return 42;
      }),
    ).toBe(42);
    await expect(
      sys.run(function* () {
        yield;
        throw new Error('thrown');
      }),
    ).rejects.toThrow('thrown');
    const killed = sys.run(function* () {
      register('runner');
      yield* receive();
    });
    while (whereis('runner') === undefined) await new Promise((resolve) => setImmediate(resolve));
    exit(whereis('runner') as Pid, 'kill');
    await expect(killed).rejects.toMatchObject({ reason: 'killed' });
  });

  it('a process that cannot start on another core frees the name it was spawned with', async () => {
    system = await start({ schedulers: 2 });
    await run(function* () {
      const [pid, ref] = spawnMonitor(misnamed, [], { affinity: 1, name: 'leaky' });
      const [tag, , , from, reason] = (yield* next()) as [string, unknown, unknown, Pid, Error];
      expect([tag, from]).toEqual(['DOWN', pid]);
      expect(reason.message).toMatch(/has no exported process "notExportedUnderThisName"/);
      expect(ref).toBeDefined();
      expect(whereis('leaky')).toBeUndefined();
      register('leaky'); // free again
    });
  });

  it('a process has one name at most, on whatever core it runs', async () => {
    system = await start({ schedulers: 2 });
    await run(function* () {
      const there = spawn(idle, [self()], { affinity: 1, name: 'first' });
      yield* next();
      expect(() => register('second', there)).toThrow('pid is registered already, as "first"');
      expect(whereis('second')).toBeUndefined();
    });
  });
});

describe('messages across cores', { timeout: 60_000 }, () => {
  it('arrive equal to what was sent, whatever the codec carries (property)', async () => {
    system = await start({ schedulers: 2 });
    const mirror = spawn(echoBack, [], { affinity: 1 });
    const value = fc.oneof(
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.string(),
      fc.bigInt(),
      fc.date({ noInvalidDate: true }),
      fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 5 }),
      fc.dictionary(fc.string(), fc.integer(), { maxKeys: 4, noNullPrototype: true }),
      fc.uint8Array({ maxLength: 16 }),
      fc.array(fc.tuple(fc.string(), fc.integer()), { maxLength: 3 }).map((e) => new Map(e)),
    );
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const back = await system?.ask(mirror, (me) => [me, v], 3000);
        expect(back).toStrictEqual(v);
      }),
      { numRuns: 200 },
    );
  });

  it('refuse, at send, a value that cannot be copied, naming where it is; nothing is sent', async () => {
    system = await start({ schedulers: 2 });
    await run(function* () {
      const there = spawn(idle, [self()], { affinity: 1 });
      yield* next();
      expect(() => send(there, { reply: () => 0 })).toThrow(
        'message.reply cannot be copied: it is a function',
      );
      const here = spawn(function* () {
        yield* receive();
      });
      expect(() => send(here, [1, Symbol('s')])).toThrow('message[1] cannot be copied: it is a symbol');
    });
  });

  it('hand a symbol shared in-core to the mailbox like any message: first, alone, and behind others', async () => {
    system = await start({ schedulers: 1 });
    const token = Symbol('token');
    const received = await run(function* () {
      const me = self();
      const echoes = spawn(function* () {
        for (;;) {
          const [from, message] = (yield* receive()) as [Pid, unknown];
          send(from, message, { mode: 'share' });
        }
      });
      send(echoes, [me, token], { mode: 'share' });
      const alone = yield* next();
      // Three at once: the symbol waits in the mailbox behind a message, and before one.
      send(me, 'before');
      send(me, token, { mode: 'share' });
      send(me, 'after');
      const queued = [yield* next(), yield* next(), yield* next()];
      exit(echoes, 'kill');
      return [alone, ...queued];
    });
    expect(received).toEqual([token, 'before', token, 'after']);
  });
});

it('stop() leaves nothing running: the process exits by itself', async () => {
  const script = fileURLToPath(new URL('./workers/stop-and-exit.mjs', import.meta.url));
  const { stdout } = await promisify(execFile)(process.execPath, [script], { timeout: 20_000 });
  expect(stdout.trim()).toBe('HELLO stopped');
}, 30_000);

describe('a crash nobody hears of is reported on stderr', () => {
  const script = fileURLToPath(new URL('./workers/unheard-crashes.mjs', import.meta.url));

  it('on either core, with its pid and error; not a crash a monitor, a link or a caller hears, nor an exit; one whose monitor died with its core or was taken off as it crashed', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], { timeout: 20_000 });
    const [onZero, onOne, unshowable, orphan, demonitored, beforeStop] = stdout.trim().split(' ');
    const reports = stderr.split('\n').filter((line) => line.startsWith('beamish: process'));
    const heading = (pid: string | undefined) =>
      `beamish: process ${pid} crashed, and no link, monitor or caller heard of it: Error:`;
    expect(reports.sort()).toEqual(
      [
        `${heading(onZero)} unheard on core 0`,
        `${heading(onOne)} unheard on core 1`,
        // Reported all the same, and the core goes on: a report must not take its scheduler down.
        `beamish: process ${unshowable} crashed, and no link, monitor or caller heard of it: (a thrown value that cannot be shown)`,
        // Its only monitor was held on a core that died before it crashed.
        `${heading(orphan)} unheard on core 0, its watcher gone with core 1`,
        // Its only monitor was taken off after it crashed, while its DOWN was on the way.
        `${heading(demonitored)} unheard on core 0, its monitor taken off as it crashed`,
        `${heading(beforeStop)} unheard on core 1 just before the stop`,
      ].sort(),
    );
    expect(stderr).not.toMatch(/monitored on core 1|linked on core 1|exited by itself|awaited by its caller/);
  }, 30_000);

  it('at most 100 a second on a thread, then the count of those left out', async () => {
    const REPORTS_PER_SECOND = 100; // crash-report.ts
    const storm = fileURLToPath(new URL('./workers/crash-storm.mjs', import.meta.url));
    const { stderr } = await promisify(execFile)(process.execPath, [storm], { timeout: 20_000 });
    const lines = stderr.split('\n').filter((line) => line.startsWith('beamish:'));
    const reports = lines.filter((line) => line.startsWith('beamish: process'));
    expect(reports).toHaveLength(REPORTS_PER_SECOND);
    expect(reports[0]).toMatch(/crashed, and no link, monitor or caller heard of it: Error: storm 0$/);
    expect(lines.at(-1)).toBe(
      `beamish: ${1000 - REPORTS_PER_SECOND} more crashes that nobody heard of were not reported (at most ${REPORTS_PER_SECOND} a second on a thread)`,
    );
  }, 30_000);

  it('not with reportCrashes: false', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, 'off'], {
      timeout: 20_000,
    });
    expect(stdout.trim().split(' ')).toHaveLength(6);
    expect(stderr).not.toMatch(/beamish: process/);
  }, 30_000);

  it('start rejects a reportCrashes that is not a boolean, naming it', async () => {
    await expect(start({ reportCrashes: 'yes' as never })).rejects.toThrow(
      /options\.reportCrashes must be true or false/,
    );
  });
});
