/**
 * The baseline of the actors suite's cross-core ping-pong: a worker that posts back every message
 * posted to it.
 *
 * @packageDocumentation
 */
import { parentPort } from 'node:worker_threads';

const port = parentPort as NonNullable<typeof parentPort>;
port.on('message', (message) => port.postMessage(message));
