// Module-level servers, supervisors, processes and tasks for the OTP tests: any core can start them.
import { threadId } from 'node:worker_threads';
import {
  defineProcess,
  defineServer,
  defineSupervisor,
  defineTask,
  exit,
  receive,
  reply,
  self,
  send,
  sleep,
  trapExit,
} from '../../dist/index.js';

/**
 * A key-value store. Calls: ['get', key], ['put', key, value], ['sleep', ms, value] (answers
 * `value` after `ms`), ['throw', message] (crashes after a slice), ['bad'] (returns a bad result), ['stop', reply], ['wait'] (answered
 * by the next ['release', value] cast), ['where'] (its thread). Tells `observer` when it terminates.
 */
export const kvStore = defineServer(import.meta.url, 'kvStore', {
  init(observer, options = {}) {
    if (options.trap) trapExit(true);
    if (options.failWith !== undefined) throw new Error(options.failWith);
    return { observer, data: {}, waiting: [] };
  },
  *handleCall(request, from, state) {
    switch (request[0]) {
      case 'get':
        return ['reply', state.data[request[1]], state];
      case 'put':
        return ['reply', 'ok', { ...state, data: { ...state.data, [request[1]]: request[2] } }];
      case 'sleep':
        yield* sleep(request[1]);
        return ['reply', request[2], state];
      case 'throw':
        yield;
        throw new Error(request[1]);
      case 'stop':
        return ['stop', 'normal', request[1], state];
      case 'wait':
        return ['noreply', { ...state, waiting: [...state.waiting, from] }];
      case 'where':
        return ['reply', threadId, state];
      case 'bad':
        return ['oops'];
      default:
        return ['reply', ['unknown', request], state];
    }
  },
  handleCast(request, state) {
    if (request[0] === 'release') {
      for (const from of state.waiting) reply(from, request[1]);
      return ['noreply', { ...state, waiting: [] }];
    }
    if (request[0] === 'stop') return ['stop', request[1], state];
    return ['noreply', state];
  },
  handleInfo(message, state) {
    send(state.observer, ['info', message]);
    return ['noreply', state];
  },
  terminate(reason, state) {
    send(state.observer, ['terminated', self(), reason]);
  },
});

/**
 * A supervised worker: tells `observer` ['up', id, pid, threadId]; crashes on 'crash', ends
 * normally on 'stop'. With `how.trap` it traps exits and, on its parent's shutdown, tells
 * `observer` ['stopping', id, reason], lingers `how.lingerMs`, then exits with the reason.
 */
export const member = defineProcess(import.meta.url, 'member', function* (id, observer, how = {}) {
  if (how.trap) trapExit(true);
  send(observer, ['up', id, self(), threadId]);
  for (;;) {
    const message = yield* receive();
    if (message === 'crash') throw new Error(`${id} crashed`);
    if (message === 'stop') return;
    if (Array.isArray(message) && message[0] === 'EXIT') {
      send(observer, ['stopping', id, message[2]]);
      if (how.lingerMs) yield* sleep(how.lingerMs);
      exit(message[2]);
    }
    if (Array.isArray(message) && message[0] === 'ping') send(message[1], ['pong', id, threadId]);
  }
});

/**
 * One member per id, with the strategy and intensity given; `how.spec` adds to each child spec,
 * `how.options` are the members' spawn options.
 */
export const team = defineSupervisor(import.meta.url, 'team', (flags, ids, observer, how = {}) => ({
  ...flags,
  children: ids.map((id) => ({ id, start: [member, [id, observer, how], how.options], ...how.spec })),
}));

/** Members started on demand: `startChild(sup, [id])`. */
export const crew = defineSupervisor(import.meta.url, 'crew', (flags = {}) => ({
  strategy: 'simpleOneForOne',
  intensity: 10,
  ...flags,
  children: [{ start: [member], restart: 'transient' }],
}));

/** Bad specs, by name, for the tests of errors (definitions cannot travel in start arguments). */
const BAD_SPECS = {
  missingStart: { children: [{ id: 'a' }] },
  badRestart: { children: [{ id: 'a', start: [member, []], restart: 'always' }] },
  negativeIntensity: { intensity: -1, children: [] },
  badStrategy: { strategy: 'one_for_one', children: [] },
  badShutdown: { children: [{ id: 'a', start: [member, []], shutdown: -5 }] },
  duplicateIds: {
    children: [
      { id: 'a', start: [member, []] },
      { id: 'a', start: [member, []] },
    ],
  },
  unknownField: { children: [{ id: 'a', start: [member, []], restarts: 'permanent' }] },
  twoTemplates: { strategy: 'simpleOneForOne', children: [] },
  failingChild: {
    children: [
      { id: 'ok', start: [kvStore, [0]] },
      { id: 'bad', start: [kvStore, [0, { failWith: 'no config' }]] },
    ],
  },
};
export const badSup = defineSupervisor(import.meta.url, 'badSup', (which) => BAD_SPECS[which]);

/**
 * A tree over two cores: a store and a member on core 1, a member on core 0, and a team (on core
 * 1) whose members run on core 0 and core 1.
 */
export const tree = defineSupervisor(import.meta.url, 'tree', (observer) => ({
  strategy: 'oneForOne',
  intensity: 10,
  children: [
    { id: 'store', start: [kvStore, [observer], { affinity: 1, name: 'tree-store' }] },
    { id: 'far', start: [member, ['far', observer], { affinity: 1 }] },
    { id: 'near', start: [member, ['near', observer], { affinity: 0 }] },
    {
      id: 'branch',
      type: 'supervisor',
      start: [branch, [observer], { affinity: 1 }],
    },
  ],
}));

export const branch = defineSupervisor(import.meta.url, 'branch', (observer) => ({
  strategy: 'oneForAll',
  intensity: 5,
  children: [
    { id: 'leaf0', start: [member, ['leaf0', observer], { affinity: 0 }] },
    { id: 'leaf1', start: [member, ['leaf1', observer], { affinity: 1 }] },
  ],
}));

/** A supervisor above a team: it restarts the team when the team gives up. */
export const upper = defineSupervisor(import.meta.url, 'upper', (ids, observer) => ({
  strategy: 'oneForOne',
  intensity: 5,
  children: [
    {
      id: 'team',
      type: 'supervisor',
      start: [team, [{ strategy: 'oneForOne', intensity: 0 }, ids, observer, { options: { affinity: 1 } }]],
    },
  ],
}));

/** Starts on this thread: per key, how often a `flaky` server has started here. */
const starts = new Map();

/** A server whose `init` fails from its second start on (per key and thread); 'crash' crashes it. */
export const flaky = defineServer(import.meta.url, 'flaky', {
  init(key, observer) {
    const count = (starts.get(key) ?? 0) + 1;
    starts.set(key, count);
    send(observer, ['starting', key, count]);
    if (count > 1) throw new Error(`${key} cannot start again`);
    return null;
  },
  handleInfo(message, state) {
    if (message === 'crash') throw new Error('crashed');
    return ['noreply', state];
  },
});

/** A supervisor of one flaky server on core 1, allowing `intensity` restarts. */
export const fragile = defineSupervisor(import.meta.url, 'fragile', (key, observer, intensity) => ({
  intensity,
  children: [{ id: 'flaky', start: [flaky, [key, observer], { affinity: 1 }] }],
}));

/** Sums 1..n in slices: a task any core can run. */
export const sumTo = defineTask(import.meta.url, 'sumTo', function* (n) {
  let sum = 0;
  for (let i = 1; i <= n; i++) {
    sum += i;
    if (i % 10_000 === 0) yield;
  }
  return [sum, threadId];
});

/** Throws `message`: a task that fails. */
// biome-ignore lint/correctness/useYield: it fails before it could yield
export const failing = defineTask(import.meta.url, 'failing', function* (message) {
  throw new RangeError(message);
});
