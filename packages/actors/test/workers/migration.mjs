// Module-level processes for the migration tests: any core can start them.
import { isMainThread, threadId } from 'node:worker_threads';
import { call, cast, defineProcess, defineServer, migrate, receive, send, sleep } from '../../dist/index.js';

/**
 * Notes numbered messages from many clients, by call and by cast, and counts those that come out of
 * each client's order. Its state is plain data, so it can move between cores.
 */
const ledgerBehaviour = {
  // `padBytes` of padding make the state that big, for a move that is slow or cannot happen.
  init: (padBytes = 0) => ({ next: {}, count: 0, disorder: 0, pad: 'x'.repeat(padBytes) }),
  handleCall(request, _from, state) {
    if (request[0] === 'report') {
      const { count, disorder } = state;
      return ['reply', { count, disorder, thread: threadId }, state];
    }
    const next = note(state, request[1], request[2]);
    return ['reply', threadId, next];
  },
  handleCast(request, state) {
    return ['noreply', note(state, request[1], request[2])];
  },
};
export const ledger = defineServer(import.meta.url, 'ledger', ledgerBehaviour);

/** The same ledger, defined on the main thread only: no worker's core can start it. */
export const homebound = isMainThread
  ? defineServer(import.meta.url, 'homebound', ledgerBehaviour)
  : undefined;

function note(state, client, seq) {
  const expected = state.next[client] ?? 0;
  return {
    ...state,
    next: { ...state.next, [client]: seq + 1 },
    count: state.count + 1,
    disorder: state.disorder + (seq === expected ? 0 : 1),
  };
}

/**
 * Sends `count` numbered notes to `server`, by cast and every 50th by call, a few per time slice;
 * then tells `parent` the threads that answered its calls.
 */
export const client = defineProcess(import.meta.url, 'client', function* (server, id, count, parent) {
  const threads = new Set();
  for (let seq = 0; seq < count; seq++) {
    if (seq % 50 === 49) threads.add(yield* call(server, ['note', id, seq]));
    else cast(server, ['note', id, seq]);
    if (seq % 8 === 7) yield;
  }
  send(parent, ['done', id, [...threads]]);
});

/**
 * Moves `server` to core `to` whenever it is on this process's core and can move, `moves` times,
 * then tells `parent`. Two of them, one on each core, send a server back and forth.
 */
export const shuttle = defineProcess(import.meta.url, 'shuttle', function* (server, to, moves, parent) {
  for (let moved = 0; moved < moves; ) {
    if (migrate(server, to)) moved++;
    yield* sleep(0);
  }
  send(parent, ['shuttled', threadId]);
});

/** Waits for one message. */
export const rest = defineProcess(import.meta.url, 'rest', function* () {
  yield* receive();
});

/**
 * Casts `count` numbered notes to `server`, four per time slice; then tells `parent`, once the
 * server has taken them all (see `castsTaken`).
 */
export const caster = defineProcess(import.meta.url, 'caster', function* (server, id, count, parent) {
  for (let seq = 0; seq < count; seq++) {
    cast(server, ['note', id, seq]);
    if (seq % 4 === 3) yield* sleep(0);
  }
  yield* castsTaken(server);
  send(parent, ['cast', id]);
});

/**
 * Returns once `server` has handled every cast this process sent it: a call from the same sender
 * comes after them. (That the casts were sent is not enough for `parent`: a message of `parent`'s,
 * sent once told, may overtake casts held back while the server moved, as Erlang allows.)
 */
function* castsTaken(server) {
  yield* call(server, ['report'], 60_000);
}

/** Busy for `ms` in each of `slices` time slices: every turn of its core is long. */
export const spinner = defineProcess(import.meta.url, 'spinner', function* (ms, slices) {
  for (let i = 0; i < slices; i++) {
    const end = performance.now() + ms;
    while (performance.now() < end);
    yield;
  }
});

/** After `ms`, moves `server` (on this process's core) to `core`, and tells `parent` whether it began. */
export const mover = defineProcess(import.meta.url, 'mover', function* (server, core, ms, parent) {
  yield* sleep(ms);
  send(parent, ['mover', migrate(server, core)]);
});

/**
 * Casts `count` numbered notes to `server`, one per time slice; then tells `parent`, once the server
 * has taken them all.
 */
export const eagerCaster = defineProcess(
  import.meta.url,
  'eagerCaster',
  function* (server, id, count, parent) {
    for (let seq = 0; seq < count; seq++) {
      cast(server, ['note', id, seq]);
      yield;
    }
    yield* castsTaken(server);
    send(parent, ['cast', id]);
  },
);
