// Module-level processes for the tests: any core can start them.
import { threadId } from 'node:worker_threads';
import {
  defineProcess,
  demonitor,
  exit,
  heap,
  isAlive,
  link,
  monitor,
  receive,
  register,
  self,
  send,
  sleep,
  trapExit,
} from '../../dist/index.js';

/** Answers [from, text] with the text upper-cased and the thread it ran on. */
export const echo = defineProcess(import.meta.url, 'echo', function* () {
  for (;;) {
    const [from, text] = yield* receive();
    if (text === 'stop') return 'stopped';
    send(from, [text.toUpperCase(), threadId]);
  }
});

/** Ends with `reason` once it receives anything. */
export const dieOn = defineProcess(import.meta.url, 'dieOn', function* (reason) {
  yield* receive();
  exit(reason);
});

/** Sends its pid and thread to `parent`, then waits for ever. */
export const idle = defineProcess(import.meta.url, 'idle', function* (parent) {
  send(parent, ['idle', self(), threadId]);
  yield* receive();
});

/** Throws an Error with `message` once it receives anything. */
export const throwOn = defineProcess(import.meta.url, 'throwOn', function* (message) {
  yield* receive();
  throw new Error(message);
});

/** Throws an Error with `message` in its first slice. */
// biome-ignore lint/correctness/useYield: it must end before its first yield
export const throwAtOnce = defineProcess(import.meta.url, 'throwAtOnce', function* (message) {
  throw new Error(message);
});

/** Throws, in its first slice, a value that cannot be shown: inspecting it throws. */
export const throwUnshowable = defineProcess(import.meta.url, 'throwUnshowable', function* () {
  throw {
    [Symbol.for('nodejs.util.inspect.custom')]() {
      throw new Error('not to be shown');
    },
  };
});

/** Traps exits and forwards every message it gets to `parent`, tagged. */
export const trapper = defineProcess(import.meta.url, 'trapper', function* (parent) {
  trapExit(true);
  send(parent, ['ready', self()]);
  for (;;) send(parent, ['got', yield* receive()]);
});

/** Links to `target`, tells `parent`, then waits for ever (an exit signal may end it). */
export const linker = defineProcess(import.meta.url, 'linker', function* (target, parent) {
  link(target);
  send(parent, ['linked', self()]);
  yield* receive();
});

/** Monitors `target`, tells `parent`, then waits for ever. */
export const watcher = defineProcess(import.meta.url, 'watcher', function* (target, parent) {
  monitor(target);
  send(parent, ['watching', self()]);
  yield* receive();
});

/**
 * Monitors `target`, and takes the monitor off once `target` is dead but before its DOWN arrives:
 * it waits for the monitor to reach `target`'s core, then loops until `target` is dead, taking in
 * nothing meanwhile. Then tells `parent`.
 */
export const lateDemonitor = defineProcess(import.meta.url, 'lateDemonitor', function* (target, parent) {
  const ref = monitor(target);
  yield* sleep(20);
  while (isAlive(target));
  demonitor(ref);
  send(parent, 'demonitored');
});

/** Throws an Error with `message` after `ms` milliseconds. */
export const throwAfter = defineProcess(import.meta.url, 'throwAfter', function* (ms, message) {
  yield* sleep(ms);
  throw new Error(message);
});

/** Registers itself as `name`, tells `parent`, waits for one message, then ends normally. */
export const registrar = defineProcess(import.meta.url, 'registrar', function* (name, parent) {
  register(name);
  send(parent, ['registered', self()]);
  yield* receive();
});

/** Allocates 64 KiB at a time from its heap until told to stop (or its maxHeapSize ends it). */
export const hog = defineProcess(import.meta.url, 'hog', function* (parent) {
  send(parent, ['hogging', self()]);
  for (;;) {
    try {
      heap().u8(64 * 1024);
    } catch {
      // Catching the limit does not save it: the runtime ends the process all the same.
    }
    yield;
  }
});

/** Sends `count` numbered messages to `to`, then 'done'. */
export const counter = defineProcess(import.meta.url, 'counter', function* (to, count) {
  for (let i = 0; i < count; i++) {
    send(to, ['n', i]);
    if (i % 100 === 0) yield;
  }
  send(to, 'done');
});

/** Kills its own thread: for the scheduler_down tests. */
export const crashThread = defineProcess(import.meta.url, 'crashThread', function* () {
  yield* receive();
  process.exit(1);
});

/** Sends back whatever it receives as [from, value]. */
export const echoBack = defineProcess(import.meta.url, 'echoBack', function* () {
  for (;;) {
    const [from, value] = yield* receive();
    send(from, value);
  }
});

/** Defined under a name it is not exported as: another core cannot find it. */
export const misnamed = defineProcess(import.meta.url, 'notExportedUnderThisName', function* () {
  yield* receive();
});

/** Writes `value` at index 0 of each typed array it receives with [from, view], then tells `from`. */
export const poke = defineProcess(import.meta.url, 'poke', function* (value) {
  for (;;) {
    const [from, view] = yield* receive();
    view[0] = value;
    send(from, ['poked', view[0]]);
  }
});
