// Module-level processes for the migration tests: any core can start them.
import { threadId } from 'node:worker_threads';
import { call, cast, defineProcess, defineServer, migrate, receive, send, sleep } from '../../dist/index.js';

/**
 * Notes numbered messages from many clients, by call and by cast, and counts those that come out of
 * each client's order. Its state is plain data, so it can move between cores.
 */
export const ledger = defineServer(import.meta.url, 'ledger', {
  init: () => ({ next: {}, count: 0, disorder: 0 }),
  handleCall(request, _from, state) {
    if (request[0] === 'report') return ['reply', { ...state, thread: threadId }, state];
    const next = note(state, request[1], request[2]);
    return ['reply', threadId, next];
  },
  handleCast(request, state) {
    return ['noreply', note(state, request[1], request[2])];
  },
});

function note(state, client, seq) {
  const expected = state.next[client] ?? 0;
  return {
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
