/**
 * The floor under in-core ping-pong: two generators taking turns with nothing else — a run queue of
 * two, a one-message slot per process, the `[from, n]` array copied as a send would. No pids, no
 * checks, no timers, no event loop. What a process runtime built on generators can at best
 * approach; the actors suite prints our ping-pong next to it.
 */

/** What a bare process is: its generator, its one-message slot, whether it waits for a message. */
interface Bare {
  body: Generator<unknown, void, unknown>;
  slot: unknown;
  waiting: boolean;
}

const EMPTY = Symbol('empty');
/** What a bare process yields to wait for a message. */
const WAIT = Symbol('wait');
const resume: Generator['next'] = Object.getPrototypeOf(function* () {}).prototype.next;

/** A copy of a flat array, as a send copies the message. */
const copied = (message: unknown[]): unknown[] => {
  const out = new Array(message.length);
  for (let i = 0; i < message.length; i++) out[i] = message[i];
  return out;
};

/** `count` round trips of `[from, n]` / `n` between two bare generators. */
export function barePingPong(count: number): void {
  const queue: Bare[] = [];
  let current: Bare | undefined;
  const send = (to: Bare, message: unknown) => {
    to.slot = message;
    if (to.waiting) {
      to.waiting = false;
      queue.push(to);
    }
  };
  // One receive for both, as `receive()` is one object for every process: it takes the message in
  // the running process's slot, or tells it to wait.
  const waiting: IteratorResult<unknown, unknown> = { done: false, value: WAIT };
  const receive: Generator<unknown, unknown, unknown> = {
    next() {
      const self = current as Bare;
      const message = self.slot;
      if (typeof message === 'symbol') return waiting;
      self.slot = EMPTY;
      return { done: true, value: message };
    },
    return: (value) => ({ done: true, value }),
    throw: (error) => {
      throw error;
    },
    [Symbol.iterator]() {
      return this;
    },
  } as Generator<unknown, unknown, unknown>;
  const pinger: Bare = { body: undefined as never, slot: EMPTY, waiting: false };
  const ponger: Bare = { body: undefined as never, slot: EMPTY, waiting: false };
  const processes = [pinger, ponger];
  ponger.body = (function* () {
    for (;;) {
      const [from, n] = (yield* receive) as [number, number];
      send(processes[from] as Bare, n);
    }
  })();
  pinger.body = (function* () {
    for (let i = 0; i < count; i++) {
      send(ponger, copied([0, i]));
      yield* receive;
    }
  })();
  queue.push(ponger, pinger);
  for (let at = 0; at < queue.length; at++) {
    const bare = queue[at] as Bare;
    current = bare;
    const step = resume.call(bare.body);
    if (step.done === true) continue;
    if (step.value === WAIT) bare.waiting = true;
    else queue.push(bare);
    // Keep the queue short: what has run is dropped from its front now and then.
    if (at === 1023) {
      queue.splice(0, at + 1);
      at = -1;
    }
  }
}
