/**
 * @beamish/actors — Erlang processes for TypeScript: spawn, send, selective receive with timeouts,
 * links, monitors, exit signals and registered names, on every core.
 *
 * @packageDocumentation
 */
export { sleep, wait } from '@beamish/scheduler';
export {
  demonitor,
  exit,
  heap,
  isAlive,
  link,
  monitor,
  processes,
  processInfo,
  register,
  type SendOptions,
  type SpawnOptions,
  self,
  send,
  spawn,
  spawnLink,
  spawnMonitor,
  trapExit,
  unlink,
  unregister,
  whereis,
} from './api.js';
export { defineProcess, type Location, type ProcessDefinition } from './definition.js';
export { ExitSignal } from './errors.js';
export {
  _,
  type Guard,
  isArray,
  isBigInt,
  isBoolean,
  isNumber,
  isObject,
  isString,
  type Matched,
  matches,
  type Wildcard,
} from './patterns.js';
export { isPid, type Pid, pidToString, type Ref } from './pid.js';
export type { ProcessInfo, ProcessStatus } from './process.js';
export {
  type After,
  after,
  type Clause,
  type HandlerResult,
  on,
  type ReceiveResult,
  type ResultOf,
  receive,
} from './receive.js';
export { type ProcessBody, SystemLimitError } from './runtime.js';
export type { SendMode } from './signals.js';
export { ActorSystem, type StartOptions, start, TimeoutError } from './system.js';
