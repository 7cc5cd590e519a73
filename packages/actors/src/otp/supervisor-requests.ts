/** The requests a supervisor answers about its children, run inside the supervisor's process. */
import { moduleExports, wait } from '@beamish/scheduler';
import type { Location } from '../definition.js';
import { isPid, type Pid, pidToString } from '../pid.js';
import { startChildProcess, stopChildren } from './child-process.js';
import {
  type Child,
  type ChildDefinition,
  type ChildType,
  checkChildSpec,
  type RestartType,
  removeChild,
} from './child-spec.js';
import type { SupervisorRequest, SupervisorState } from './supervisor.js';

/** One child, as `whichChildren` reports it. */
export interface ChildInfo {
  /** Undefined for a dynamic supervisor's children. */
  id: string | undefined;
  /** Undefined while the child is not running. */
  pid: Pid | undefined;
  type: ChildType;
  restart: RestartType;
}

/** What `countChildren` reports (Erlang's `count_children`). */
export interface ChildCounts {
  /** Child specs: the static children, or 1 (the template) for `simpleOneForOne`. */
  specs: number;
  /** Children running. */
  active: number;
  /** Children of type `'supervisor'`, running or not. */
  supervisors: number;
  /** Children of type `'worker'`, running or not. */
  workers: number;
}

/** Answers `request`; throws what the caller's function is to throw. */
export function* answer(
  request: SupervisorRequest,
  state: SupervisorState,
): Generator<unknown, unknown, unknown> {
  switch (request[0]) {
    case 'which':
      return state.children.map(({ id, pid, type, restart }): ChildInfo => ({ id, pid, type, restart }));
    case 'count':
      return count(state);
    case 'start':
      return yield* startNew(state, request[1]);
    case 'terminate':
      yield* terminate(state, request[1]);
      return undefined;
    case 'restart':
      return yield* restartStopped(state, request[1]);
    case 'delete':
      removeChild(state.children, stopped(state, 'deleteChild', request[1]));
      return undefined;
  }
  throw new TypeError(`a supervisor does not answer ${JSON.stringify(request)}`);
}

function count(state: SupervisorState): ChildCounts {
  const supervisors = state.children.filter((c) => c.type === 'supervisor').length;
  return {
    specs: state.template === undefined ? state.children.length : 1,
    active: state.children.filter((c) => c.pid !== undefined).length,
    supervisors,
    workers: state.children.length - supervisors,
  };
}

function* startNew(state: SupervisorState, specOrArgs: unknown): Generator<unknown, Pid, unknown> {
  let child: Child;
  if (state.template !== undefined) {
    if (!Array.isArray(specOrArgs))
      throw new TypeError(
        "args must be an array: a simpleOneForOne supervisor's startChild takes the extra arguments",
      );
    child = { ...state.template, extra: specOrArgs, pid: undefined };
  } else {
    const loaded = yield* load(specOrArgs);
    child = checkChildSpec('spec', specOrArgs, true, loaded);
    if (state.children.some((c) => c.id === child.id))
      throw new TypeError(`spec.id: a child ${JSON.stringify(child.id)} is in the supervisor already`);
  }
  child.pid = yield* startChildProcess(child);
  state.children.push(child);
  return child.pid;
}

/** The definition a spec sent to the supervisor names by its location, imported on this thread. */
function* load(
  spec: unknown,
): Generator<unknown, ((location: Location) => ChildDefinition) | undefined, unknown> {
  const start = (spec as { start?: unknown } | null)?.start;
  const target = Array.isArray(start) ? start[0] : start;
  const module = (target as Partial<Location> | undefined)?.module;
  if (typeof module !== 'string') return undefined;
  const exported = moduleExports(module);
  const exports = exported instanceof Promise ? yield* wait(exported) : exported;
  return ({ name }) => {
    const definition = exports[name];
    if (typeof definition !== 'function') throw new TypeError(`spec.start: ${module} exports no ${name}`);
    return definition as ChildDefinition;
  };
}

function* terminate(state: SupervisorState, idOrPid: unknown): Generator<unknown, void, unknown> {
  const child = find(state, 'terminateChild', idOrPid);
  yield* stopChildren([child], true);
  if (child.restart === 'temporary' || state.template !== undefined) removeChild(state.children, child);
}

function* restartStopped(state: SupervisorState, id: unknown): Generator<unknown, Pid, unknown> {
  const child = stopped(state, 'restartChild', id);
  child.pid = yield* startChildProcess(child);
  return child.pid;
}

/** The static child `id`, which must not be running. */
function stopped(state: SupervisorState, what: string, id: unknown): Child {
  if (state.template !== undefined)
    throw new TypeError(
      `${what}: a simpleOneForOne supervisor's children have no ids; use terminateChild(pid)`,
    );
  const child = find(state, what, id);
  if (child.pid !== undefined)
    throw new TypeError(`id: the child ${JSON.stringify(id)} is running; terminateChild it first`);
  return child;
}

/** A static child by id, or a dynamic one by pid. */
function find(state: SupervisorState, what: string, idOrPid: unknown): Child {
  if (state.template !== undefined) {
    if (!isPid(idOrPid))
      throw new TypeError(`${what}: a simpleOneForOne supervisor's children are named by pid`);
    const child = state.children.find((c) => c.pid === idOrPid);
    if (child === undefined)
      throw new TypeError(`pid: ${pidToString(idOrPid)} is not a child of this supervisor`);
    return child;
  }
  const child = state.children.find((c) => c.id === idOrPid);
  if (child === undefined) throw new TypeError(`id: the supervisor has no child ${JSON.stringify(idOrPid)}`);
  return child;
}
