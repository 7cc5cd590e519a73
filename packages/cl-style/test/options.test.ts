/**
 * Bad input is refused before anything is spawned, with a TypeError or RangeError that names the
 * argument and what it accepts.
 */
import { type ActorSystem, processes, start } from '@beamish/actors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  after,
  defworker,
  doTimes,
  type Form,
  handlerCase,
  loop,
  progn,
  receive,
  unwindProtect,
  type WorkerOptions,
  withWorker,
} from '../dist/index.js';

/** Calls `f` with arguments the types forbid: what a JavaScript caller may pass. */
const untyped = (f: unknown) => f as (...args: unknown[]) => unknown;

it('withWorker without a running actor system says so', () => {
  expect(() => withWorker({}, () => 1)).toThrow('withWorker: no actor system is running on this thread');
});

describe('with a system', () => {
  let system: ActorSystem;
  beforeAll(async () => {
    system = await start({ schedulers: 1 });
  });
  afterAll(() => system.stop());

  it.each([
    [null, TypeError, 'options must be an options object, got null'],
    [[], TypeError, 'options must be an options object, got an array'],
    [{ nmae: 'x' }, TypeError, 'options.nmae is not an option of withWorker (name, link, monitor,'],
    [{ affinity: 1 }, TypeError, "options.affinity: withWorker's forms are closures"],
    [{ name: '' }, TypeError, 'options.name must be a non-empty string, got ""'],
    [{ link: 'yes' }, TypeError, 'options.link must be true or false, got "yes"'],
    [{ trapExit: 1 }, TypeError, 'options.trapExit must be true or false, got 1'],
    [{ maxHeapSize: -1 }, RangeError, 'options.maxHeapSize must be a number of bytes, 0 or more'],
    [{ maxHeapSize: '1k' }, RangeError, 'options.maxHeapSize must be a number of bytes'],
    [{ mode: 'move' }, TypeError, "options.mode must be 'copy' or 'share', got \"move\""],
    [{ monitor: true }, TypeError, 'options.monitor needs a calling process'],
    [{ link: true }, TypeError, 'options.link needs a calling process'],
  ])('withWorker(%j) throws a %o naming it', (options, type, message) => {
    const before = processes().length;
    const call = () => withWorker(options as WorkerOptions, () => 1);
    expect(call).toThrow(type);
    expect(call).toThrow(message);
    expect(processes()).toHaveLength(before);
  });

  it('refuses a form that is not a function, naming its place', () => {
    expect(() => untyped(withWorker)({}, () => 1, 'two')).toThrow(
      new TypeError('forms[1] must be a form (a function), got "two"'),
    );
    expect(() => untyped(progn)(42)).toThrow(new TypeError('forms[0] must be a form (a function), got 42'));
    expect(() => untyped(loop)(undefined)).toThrow(
      new TypeError('form must be a form (a function), got undefined'),
    );
    expect(() => untyped(unwindProtect)(() => 1, null)).toThrow(
      new TypeError('cleanup[0] must be a form (a function), got null'),
    );
  });

  it('refuses a taken name without leaving a process behind', () => {
    const holder = withWorker({ name: 'taken' }, receive());
    const before = processes().length;
    expect(() => withWorker({ name: 'taken' }, () => 1)).toThrow(
      /options\.name: "taken" is registered already/,
    );
    expect(processes()).toHaveLength(before);
    expect(holder.pid).toBeGreaterThan(0);
  });

  it('checks the arguments of the forms', () => {
    expect(() => doTimes(-1, () => 0)).toThrow(new RangeError('count must be an integer, 0 or more, got -1'));
    expect(() => doTimes(1.5, () => 0)).toThrow(RangeError);
    expect(() => after(-5)).toThrow(new RangeError('ms must be a number of milliseconds, 0 or more, got -5'));
    expect(() => untyped(receive)('ping')).toThrow(
      new TypeError('clauses[0] must be a [pattern, handler] pair, got "ping"'),
    );
    expect(() => receive([after(1), () => 1], [after(2), () => 2])).toThrow(
      new TypeError('clauses[1]: a receive takes one [after(ms), handler] at most'),
    );
    expect(() => untyped(handlerCase)(() => 1, [Error])).toThrow(
      new TypeError('clauses[0] must be an [ErrorClass, handler] pair, got an array'),
    );
  });

  it('checks the name, the module and the options of a defworker', () => {
    const forms: Form[] = [() => 1];
    expect(() => defworker('', { module: import.meta.url }, ...forms)).toThrow(
      new TypeError('name must be the name the worker is exported as, got ""'),
    );
    expect(() => untyped(defworker)('w', {}, ...forms)).toThrow(
      new TypeError("options.module must be the defining module's URL (pass import.meta.url), got undefined"),
    );
    expect(() => defworker('w', { module: import.meta.url, affinity: -1 }, ...forms)).toThrow(
      new RangeError("options.affinity must be 'local' or a scheduler index, 0 or more, got -1"),
    );
    const definition = defworker('w', { module: import.meta.url }, ...forms);
    expect(() => untyped(definition.start)({ module: 'elsewhere' })).toThrow(
      /options\.module is not an option of start/,
    );
  });
});
