/**
 * The Lisp-flavoured forms, each evaluated in a worker: their values, their slices, and their types.
 */
import { type ActorSystem, exit, start } from '@beamish/actors';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  _,
  after,
  type CompoundForm,
  done,
  doTimes,
  ExitSignal,
  handlerCase,
  isNumber,
  isString,
  loop,
  progn,
  receive,
  send,
  withWorker,
} from '../dist/index.js';

let system: ActorSystem;
beforeAll(async () => {
  system = await start({ schedulers: 1 });
});
afterAll(() => system.stop());

describe('progn', () => {
  it("evaluates its forms in order to the last one's value; with none, to undefined", async () => {
    const seen: number[] = [];
    const form = progn(
      () => seen.push(1),
      function* () {
        yield;
        seen.push(2);
        return 'two';
      },
    );
    expectTypeOf(form).toEqualTypeOf<CompoundForm<string>>();
    expect(await withWorker({}, form)).toBe('two');
    expect(seen).toEqual([1, 2]);
    expect(await withWorker({}, progn())).toBeUndefined();
  });

  it('is yield*-able inside a generator form', async () => {
    const value = await withWorker({}, function* () {
      const inner = yield* progn(
        () => 20,
        () => 22,
      );
      return inner + 20;
    });
    expect(value).toBe(42);
  });
});

describe('loop and doTimes', () => {
  it('loop repeats its form, a slice a round, until it returns done(value)', async () => {
    let rounds = 0;
    const counting = loop(() => (++rounds === 5 ? done(`after ${rounds}`) : undefined));
    expectTypeOf(counting).toEqualTypeOf<CompoundForm<string>>();
    const seen: string[] = [];
    const [value] = await Promise.all([
      withWorker({}, counting),
      withWorker(
        {},
        doTimes(3, (i) => seen.push(`other ${i} at round ${rounds}`)),
      ),
    ]);
    expect(value).toBe('after 5');
    expect(seen).toEqual(['other 0 at round 1', 'other 1 at round 2', 'other 2 at round 3']);
  });

  it('doTimes passes the index and evaluates to undefined; zero times does nothing', async () => {
    const seen: number[] = [];
    expect(
      await withWorker(
        {},
        doTimes(4, (i) => seen.push(i)),
      ),
    ).toBeUndefined();
    expect(seen).toEqual([0, 1, 2, 3]);
    expect(
      await withWorker(
        {},
        doTimes(0, (i) => seen.push(i)),
      ),
    ).toBeUndefined();
    expect(seen).toHaveLength(4);
  });
});

describe('receive', () => {
  it("takes the oldest message a clause matches, leaves the others in order, and is the clause's value", async () => {
    const worker = withWorker(
      {},
      receive([['add', isNumber, isNumber], ([, a, b]) => a + b]),
      receive([_, (message) => message]),
    );
    send(worker, 'first, not matched');
    send(worker, ['add', 2, 3]);
    // The first receive took the sum; the message it skipped was still there for the second.
    expect(await worker).toBe('first, not matched');
  });

  it('types each handler by its pattern and the value by the handlers, generator handlers included', async () => {
    const form = receive(
      [['add', isNumber, isNumber], ([, a, b]) => a + b],
      [
        { name: isString },
        function* ({ name }) {
          yield;
          return name.toUpperCase();
        },
      ],
      [after(50), () => 'late' as const],
    );
    expectTypeOf(form).toEqualTypeOf<CompoundForm<number | string>>();
    const greeted = withWorker({}, form);
    send(greeted, { name: 'ada' });
    expect(await greeted).toBe('ADA');
  });

  it('takes [after(ms), handler] when nothing matches in time; after(0) only looks', async () => {
    const started = performance.now();
    expect(await withWorker({}, receive(['never', () => 'no'], [after(30), () => 'timed out']))).toBe(
      'timed out',
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    expect(await withWorker({}, receive([after(0), () => 'empty']))).toBe('empty');
  });

  it('without clauses takes any message', async () => {
    const worker = withWorker({}, receive());
    send(worker, { any: 'thing' });
    expect(await worker).toEqual({ any: 'thing' });
  });

  it('loops as a server: a loop over a receive, ended by done', async () => {
    const server = withWorker(
      {},
      loop(receive([['double', isNumber], ([, n]) => send(results, n * 2)], ['stop', () => done('stopped')])),
    );
    const results = withWorker({}, receive([isNumber, (a) => a]), receive([isNumber, (b) => b]));
    send(server, ['double', 4]);
    send(server, ['double', 21]);
    send(server, 'stop');
    expect(await server).toBe('stopped');
    expect(await results).toBe(42);
  });
});

describe('handlerCase', () => {
  class Overheated extends Error {
    readonly degrees: number;
    constructor(degrees: number) {
      super(`overheated at ${degrees}`);
      this.degrees = degrees;
    }
  }

  it("catches by class, the first clause that does, and is the handler's value", async () => {
    const form = handlerCase(
      (): string => {
        throw new Overheated(90);
      },
      [RangeError, () => -1],
      [Overheated, (error) => error.degrees],
      [Error, () => 0],
    );
    expectTypeOf(form).toEqualTypeOf<CompoundForm<string | number>>();
    expect(await withWorker({}, form)).toBe(90);
  });

  it("is the form's value when nothing is thrown, and lets an error no clause catches go on up", async () => {
    expect(
      await withWorker(
        {},
        handlerCase(() => 'fine', [Error, () => 'caught']),
      ),
    ).toBe('fine');
    const uncaught = new TypeError('not mine');
    const form = handlerCase(() => {
      throw uncaught;
    }, [RangeError, () => 'caught']);
    await expect(withWorker({}, form)).rejects.toBe(uncaught);
  });

  it('asks a class with a static isInstance (errors recognised across package copies)', async () => {
    class Marked {
      readonly marked = true;
      static isInstance(value: unknown): value is Marked {
        return typeof value === 'object' && value !== null && 'marked' in value;
      }
    }
    const form = handlerCase(() => {
      throw { marked: true };
    }, [Marked, (error) => `by isInstance, not instanceof: ${error instanceof Marked}`]);
    expect(await withWorker({}, form)).toBe('by isInstance, not instanceof: false');
  });

  it('leaves exit(reason) to a clause for ExitSignal, not Error', async () => {
    const ending = handlerCase(() => exit('leaving'), [Error, () => 'caught as an Error']);
    await expect(withWorker({}, ending)).rejects.toEqual(new ExitSignal('leaving'));
    const trapped = handlerCase(
      () => exit('leaving'),
      [ExitSignal, (signal) => `caught ${String(signal.reason)}`],
    );
    expect(await withWorker({}, trapped)).toBe('caught leaving');
  });

  it('runs a generator handler as part of the worker', async () => {
    const form = handlerCase(() => {
      throw new Error('retry');
    }, [
      Error,
      function* (error) {
        yield;
        return `recovered from ${error.message}`;
      },
    ]);
    expect(await withWorker({}, form)).toBe('recovered from retry');
  });
});
