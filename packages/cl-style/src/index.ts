/**
 * @beamish/cl-style — the proposal's WITH-WORKER for TypeScript: `withWorker(options, ...forms)`
 * starts a worker whose forms are time-sliced round-robin with every other process on its core,
 * `defworker` defines one that can run on any core, and Lisp-flavoured forms (`receive` with a
 * clause list, `loop`, `doTimes`, `progn`, `unwindProtect`, `handlerCase`) read the way the
 * proposal reads. Built on `@beamish/actors`.
 *
 * @packageDocumentation
 */
export {
  _,
  ExitSignal,
  isArray,
  isBigInt,
  isBoolean,
  isNumber,
  isObject,
  isPid,
  isString,
  type Pid,
} from '@beamish/actors';
export type {
  CompoundForm,
  DefworkerOptions,
  Evaluated,
  Form,
  LastValue,
  StartWorkerOptions,
  ValueOf,
  WorkerOptions,
} from './api.js';
export { defworker, type WorkerDefinition } from './defworker.js';
export { type ClauseValue, type ErrorClass, type HandlerClauses, handlerCase } from './handler-case.js';
export { type Done, done, doTimes, type LoopValue, loop } from './loop.js';
export { progn } from './progn.js';
export { after, type ReceiveClauses, receive, type Timeout } from './receive.js';
export { self } from './self.js';
export { send } from './send.js';
export { unwindProtect } from './unwind-protect.js';
export type { Watched } from './watch.js';
export { withWorker } from './with-worker.js';
export { type Outcome, WorkerHandle } from './worker-handle.js';
