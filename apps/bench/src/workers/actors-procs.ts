/**
 * Module-level processes for the actors suite: any core of the system imports this file
 * (`dist/workers/actors-procs.js`) to start them.
 *
 * @packageDocumentation
 */
import { defineProcess, type Pid, receive, self, send, spawn } from '@beamish/actors';

/** Answers every [from, n] with n. */
export const pong = defineProcess(import.meta.url, 'pong', function* () {
  for (;;) {
    const [from, n] = (yield* receive()) as [Pid, number];
    send(from, n);
  }
});

/** Counts `count` messages, then sends the count to `parent`; again and again. */
export const sink = defineProcess(import.meta.url, 'sink', function* (parent: Pid, count: number) {
  for (;;) {
    for (let i = 0; i < count; i++) yield* receive();
    send(parent, count);
  }
});

/** Skynet: a tree of processes ten wide; each leaf sends its number, each node the sum of its children. */
export const skynet = defineProcess(
  import.meta.url,
  'skynet',
  function* (parent: Pid, num: number, size: number): Generator<unknown, void, unknown> {
    if (size === 1) {
      send(parent, num);
      return;
    }
    const me = self();
    const step = size / 10;
    for (let i = 0; i < 10; i++) spawn(skynet, [me, num + i * step, step]);
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += (yield* receive()) as number;
    send(parent, sum);
  },
);
