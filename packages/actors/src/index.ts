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
  migrate,
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
  spawnSettled,
  trapExit,
  unlink,
  unregister,
  whereis,
} from './api.js';
export { defineProcess, type Location, type ProcessDefinition } from './definition.js';
export { ExitSignal } from './errors.js';
export { Agent, startAgent } from './otp/agent.js';
export { call, cast } from './otp/call.js';
export { CallError } from './otp/call-error.js';
export type {
  ChildDefinition,
  ChildSpec,
  ChildStart,
  ChildTemplate,
  ChildType,
  RestartType,
  Shutdown,
} from './otp/child-spec.js';
export { Operation } from './otp/operation.js';
export type {
  CallReply,
  CallsOf,
  CastsOf,
  From,
  Protocol,
  ReplyOf,
  ReplyTo,
  Request,
  ServerName,
  ServerPid,
  ServerRef,
} from './otp/protocol.js';
export { reply } from './otp/replies.js';
export {
  type CallResult,
  defineServer,
  type Handled,
  type NoReplyResult,
  type ServerBehaviour,
  type ServerDefinition,
  serverRef,
} from './otp/server.js';
export { type ServerOptions, startServer, stopServer } from './otp/start-server.js';
export {
  defineSupervisor,
  type Strategy,
  type SupervisorDefinition,
  type SupervisorReply,
  type SupervisorRequest,
  type SupervisorSpec,
} from './otp/supervisor.js';
export {
  countChildren,
  deleteChild,
  restartChild,
  startChild,
  startSupervisor,
  terminateChild,
  whichChildren,
} from './otp/supervisor-api.js';
export type { ChildCounts, ChildInfo } from './otp/supervisor-requests.js';
export {
  defineTask,
  runTask,
  startTask,
  type TaskBody,
  type TaskDefinition,
  TaskHandle,
} from './otp/task.js';
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
  isGenerator,
  on,
  type ReceiveResult,
  type ResultOf,
  receive,
} from './receive.js';
export { type ProcessBody, SystemLimitError } from './runtime.js';
export type { SendMode } from './signals.js';
export { ActorSystem, type StartOptions, start, TimeoutError } from './system.js';
