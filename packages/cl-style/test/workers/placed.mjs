// Workers defined at module level for the tests: any core can import this module and start them.
import { threadId } from 'node:worker_threads';
import { processInfo } from '@beamish/actors';
import { defworker, isNumber, receive, self, send, unwindProtect } from '../../dist/index.js';

/** Says where it ran: its core and its thread. */
export const whereAmI = defworker('whereAmI', { module: import.meta.url }, function* () {
  const info = yield* processInfo(self());
  return { core: info?.core, thread: threadId };
});

/** Doubles the number it is sent. */
export const doubler = defworker('doubler', { module: import.meta.url }, receive([isNumber, (n) => n * 2]));

/** Throws once it is sent anything. */
export const failing = defworker(
  'failing',
  { module: import.meta.url },
  receive([
    'go',
    () => {
      throw new RangeError('failed on another core');
    },
  ]),
);

/** Tells the process registered as 'observer' that it runs, waits for ever, and tells it when cleaned up. */
export const waiting = defworker(
  'waiting',
  { module: import.meta.url, name: 'waiting' },
  unwindProtect(
    function* () {
      send('observer', ['running', self(), threadId]);
      yield* receive();
    },
    () => send('observer', ['cleaned up', self(), threadId]),
  ),
);
