/**
 * Module-level servers for the servers suite: any core of the system imports this file
 * (`dist/workers/servers-procs.js`) to start them.
 *
 * @packageDocumentation
 */
import {
  defineProcess,
  defineServer,
  defineSupervisor,
  type Pid,
  type Request,
  receive,
  self,
  send,
} from '@beamish/actors';

/** The request every case makes: a key looked up in a small table. */
export const REQUEST = ['get', 'k'] as const;
const TABLE = new Map([['k', 42]]);

export type LookupRequest = Request<typeof REQUEST, number | undefined>;

/** Answers `['get', key]` with the key's value. */
export const lookup = defineServer(import.meta.url, 'lookup', {
  init: () => TABLE,
  handleCall: (request: LookupRequest, _from, table) => ['reply', table.get(request[1]), table],
});

/** The same lookup without the call protocol: answers `[from, ['get', key]]` with a plain send. */
export const lookupLoop = defineProcess(import.meta.url, 'lookupLoop', function* () {
  for (;;) {
    const [from, request] = (yield* receive()) as [Pid, typeof REQUEST];
    send(from, TABLE.get(request[1]));
  }
});

/** A child that tells `observer` when it is up, and crashes on 'crash'. */
export const crashable = defineServer(import.meta.url, 'crashable', {
  init(observer: Pid) {
    send(observer, ['up', self()]);
    return observer;
  },
  handleInfo(message, observer) {
    if (message === 'crash') throw new Error('crashed on purpose');
    return ['noreply', observer];
  },
});

/** One crashable child on `core`, restarted as often as it crashes. */
export const restarter = defineSupervisor(import.meta.url, 'restarter', (observer: Pid, core: number) => ({
  strategy: 'oneForOne',
  intensity: 1_000_000_000,
  periodMs: 1000,
  children: [{ id: 'child', start: [crashable, [observer], { affinity: core }] }],
}));
