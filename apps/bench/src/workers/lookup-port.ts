/**
 * The postMessage baseline of the servers suite: a worker that answers the same lookup request,
 * and exits when told to crash (a worker thread that dies and is replaced).
 *
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';

const TABLE = new Map([['k', 42]]);
const port = parentPort as NonNullable<typeof parentPort>;
port.on('message', (request: readonly [string, string] | 'crash') => {
  if (request === 'crash') process.exit(1);
  port.postMessage(TABLE.get(request[1]));
});
port.postMessage('up');
