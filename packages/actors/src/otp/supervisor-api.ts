/** What a process asks of a supervisor: its children, and starting, stopping or removing one. */
import { isPid, type Pid } from '../pid.js';
import { callFrom } from './call.js';
import type { ChildSpec } from './child-spec.js';
import { portableSpec } from './child-spec.js';
import { Operation } from './operation.js';
import { checkServer } from './protocol.js';
import { type ServerOptions, startServer } from './start-server.js';
import type { SupervisorDefinition, SupervisorReply } from './supervisor.js';
import type { ChildCounts, ChildInfo } from './supervisor-requests.js';

/**
 * Starts a supervisor and waits until its children have started, in order (Erlang's
 * `supervisor:start_link` with `{ link: true }`). `yield*` it inside a process, `await` it outside.
 *
 * @example
 * ```ts
 * const sup = yield* startSupervisor(app, [1000], { name: 'app', link: true });
 * ```
 * @throws what failed: a TypeError or RangeError naming a bad field of the spec, or an `ExitSignal`
 *   with reason `['shutdown', ['failed_to_start_child', id, reason]]` when a child failed to start
 *   (the children started before it are stopped again).
 */
export function startSupervisor<Args extends unknown[]>(
  definition: SupervisorDefinition<Args>,
  args: NoInfer<Args>,
  options?: ServerOptions,
): Operation<Pid> {
  return startServer(definition, args, options);
}

/** Asks the supervisor and throws the error it answers with. */
function ask<T>(supervisor: Pid | string, request: unknown[]): Operation<T> {
  checkServer('supervisor', supervisor);
  return new Operation(function* () {
    const [ok, value] = (yield* callFrom(
      supervisor,
      request,
      Number.POSITIVE_INFINITY,
      undefined,
    )) as SupervisorReply;
    if (!ok) throw value;
    return value as T;
  });
}

/**
 * The supervisor's children, in start order (Erlang's `which_children`).
 *
 * @example
 * ```ts
 * for (const { id, pid } of yield* whichChildren('app')) console.log(id, pid);
 * ```
 */
export function whichChildren(supervisor: Pid | string): Operation<ChildInfo[]> {
  return ask(supervisor, ['which']);
}

/**
 * How many children the supervisor has, running, and of each type (Erlang's `count_children`).
 *
 * @example
 * ```ts
 * const { active } = yield* countChildren('app');
 * ```
 */
export function countChildren(supervisor: Pid | string): Operation<ChildCounts> {
  return ask(supervisor, ['count']);
}

/**
 * Adds a child to a supervisor and starts it; returns its pid. A static supervisor takes a child
 * spec (its start a definition: a closure cannot travel to the supervisor); a `simpleOneForOne`
 * supervisor takes the arguments to append to its template's.
 *
 * @example
 * ```ts
 * const worker = yield* startChild('workers', [jobId]); // simpleOneForOne
 * yield* startChild('app', { id: 'cache', start: [cache, [64]] });
 * ```
 * @throws TypeError/RangeError for a bad spec (naming the field) or an id in use; what the child's
 *   start threw when it failed (the spec is then not kept).
 */
export function startChild(supervisor: Pid | string, specOrArgs: ChildSpec | unknown[]): Operation<Pid> {
  const request = Array.isArray(specOrArgs) ? specOrArgs : portableSpec(specOrArgs);
  return ask(supervisor, ['start', request]);
}

/**
 * Stops a child, by id (a static supervisor's, which keeps its spec for `restartChild`, unless it
 * is temporary) or by pid (a `simpleOneForOne` supervisor's, which forgets it).
 *
 * @example
 * ```ts
 * yield* terminateChild('app', 'cache');
 * ```
 * @throws TypeError naming the id or pid when the supervisor has no such child.
 */
export function terminateChild(supervisor: Pid | string, idOrPid: string | Pid): Operation<void> {
  if (typeof idOrPid !== 'string' && !isPid(idOrPid))
    throw new TypeError(`idOrPid must be a child id or a pid, got ${String(idOrPid)}`);
  return ask(supervisor, ['terminate', idOrPid]);
}

/**
 * Starts again a static child that was stopped with `terminateChild`; returns its pid.
 *
 * @example
 * ```ts
 * const pid = yield* restartChild('app', 'cache');
 * ```
 * @throws TypeError naming the id when there is no such child, or it is running.
 */
export function restartChild(supervisor: Pid | string, id: string): Operation<Pid> {
  checkId(id);
  return ask(supervisor, ['restart', id]);
}

/**
 * Removes the spec of a static child that is not running.
 *
 * @example
 * ```ts
 * yield* terminateChild('app', 'cache');
 * yield* deleteChild('app', 'cache');
 * ```
 * @throws TypeError naming the id when there is no such child, or it is running.
 */
export function deleteChild(supervisor: Pid | string, id: string): Operation<void> {
  checkId(id);
  return ask(supervisor, ['delete', id]);
}

function checkId(id: unknown): void {
  if (typeof id !== 'string' || id === '')
    throw new TypeError(`id must be a child id (a non-empty string), got ${String(id)}`);
}
