/**
 * What a supervisor's child is: its spec as users write it, checked (every error names the field
 * and the accepted values), and the record the supervisor keeps for it.
 */
import type { SpawnOptions } from '../api.js';
import { type Location, locationOf, type ProcessDefinition } from '../definition.js';
import type { Pid } from '../pid.js';
import type { ProcessBody } from '../runtime.js';
import { behaviourOf, type ServerDefinition } from './server.js';

/** When a child that exited is restarted: always, only after a crash, or never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/** How long a child may take to exit when its supervisor stops it: milliseconds, `'brutal_kill'` or `'infinity'`. */
export type Shutdown = number | 'brutal_kill' | 'infinity';

/** A worker, or a supervisor (whose shutdown waits for its own children). */
export type ChildType = 'worker' | 'supervisor';

/** A definition a child can be started from: a module-level process, server or supervisor. */
// biome-ignore lint/suspicious/noExplicitAny: any definition, whatever its arguments
export type ChildDefinition = ProcessDefinition<any> | ServerDefinition<any, unknown, unknown>;

/**
 * How a child starts: a definition (any core; a server's `init` runs before the next child
 * starts), the same with its arguments and spawn options, or a generator function (a closure
 * process on the supervisor's core). The supervisor links to it in every case.
 */
export type ChildStart =
  | ChildDefinition
  | readonly [definition: ChildDefinition, args?: unknown[], options?: SpawnOptions]
  | (() => ProcessBody);

/** One child of a supervisor (Erlang's child specification). */
export interface ChildSpec {
  /** Names the child in the supervisor, unique there; dynamic children have none. */
  id: string;
  /** How it starts. */
  start: ChildStart;
  /** When it is restarted after it exits. @defaultValue 'permanent' */
  restart?: RestartType;
  /** How long it may take to exit when stopped, in milliseconds. @defaultValue 5000, or 'infinity' for a supervisor */
  shutdown?: Shutdown;
  /** @defaultValue 'worker' */
  type?: ChildType;
}

/** A dynamic supervisor's template: a child spec without an id; `startChild` appends arguments. */
export type ChildTemplate = Omit<ChildSpec, 'id'> & { id?: string };

/** How the supervisor starts a child, resolved from its spec. */
export type Starter =
  | { kind: 'server' | 'process'; definition: ChildDefinition; args: unknown[]; options: SpawnOptions }
  | { kind: 'closure'; body: (...args: unknown[]) => ProcessBody; args: unknown[]; options: SpawnOptions };

/** What the supervisor keeps for each child. */
export interface Child {
  id: string | undefined;
  starter: Starter;
  restart: RestartType;
  shutdown: Shutdown;
  type: ChildType;
  /** Arguments after the spec's own: a dynamic child's, from `startChild`. */
  extra: unknown[];
  pid: Pid | undefined;
}

const SPEC_KEYS = new Set(['id', 'start', 'restart', 'shutdown', 'type']);
const RESTARTS: readonly unknown[] = ['permanent', 'transient', 'temporary'];
const TYPES: readonly unknown[] = ['worker', 'supervisor'];

const show = (value: unknown) => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/**
 * Checks a child spec and makes the supervisor's record of it. A definition may also come as its
 * location (`{ module, name }`), as specs sent to a supervisor do: `load` then finds it.
 *
 * @param what - what to call the spec in errors, e.g. `'spec.children[2]'`.
 * @throws TypeError or RangeError naming the field and the accepted values.
 */
export function checkChildSpec(
  what: string,
  spec: unknown,
  withId: boolean,
  load: (location: Location) => ChildDefinition = notLoaded,
): Child {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec))
    throw new TypeError(`${what} must be a child spec object ({ id, start, restart?, shutdown?, type? })`);
  for (const key of Object.keys(spec)) {
    if (!SPEC_KEYS.has(key)) throw new TypeError(`${what}.${key} is not a child spec field`);
  }
  const { id, start, restart = 'permanent', type = 'worker' } = spec as ChildSpec;
  if (withId && (typeof id !== 'string' || id === ''))
    throw new TypeError(`${what}.id must be a non-empty string, got ${show(id)}`);
  if (!RESTARTS.includes(restart))
    throw new TypeError(
      `${what}.restart must be 'permanent', 'transient' or 'temporary', got ${show(restart)}`,
    );
  if (!TYPES.includes(type))
    throw new TypeError(`${what}.type must be 'worker' or 'supervisor', got ${show(type)}`);
  const { shutdown = type === 'supervisor' ? 'infinity' : 5000 } = spec as ChildSpec;
  if (
    shutdown !== 'brutal_kill' &&
    shutdown !== 'infinity' &&
    !(typeof shutdown === 'number' && shutdown >= 0)
  ) {
    throw new RangeError(
      `${what}.shutdown must be milliseconds (0 or more), 'brutal_kill' or 'infinity', got ${show(shutdown)}`,
    );
  }
  return {
    id: withId ? id : undefined,
    starter: starterOf(`${what}.start`, start, load),
    restart,
    shutdown,
    type,
    extra: [],
    pid: undefined,
  };
}

function starterOf(what: string, start: unknown, load: (location: Location) => ChildDefinition): Starter {
  if (start === undefined)
    throw new TypeError(
      `${what} is missing: give a process or server definition, [definition, args, options], or a generator function`,
    );
  const [target, args = [], options = {}] = Array.isArray(start) ? start : [start];
  if (!Array.isArray(args)) throw new TypeError(`${what}[1] must be an array of arguments`);
  if (typeof options !== 'object' || options === null)
    throw new TypeError(`${what}[2] must be spawn options`);
  if ('link' in options || 'monitor' in options)
    throw new TypeError(
      `${what}[2]: the supervisor links to its children itself; leave out link and monitor`,
    );
  const definition = isLocation(target) ? load(target) : target;
  if (locationOf(definition) !== undefined) {
    const kind = behaviourOf(definition) === undefined ? 'process' : 'server';
    return { kind, definition: definition as ChildDefinition, args, options };
  }
  if (isGeneratorFunction(definition)) {
    if (Array.isArray(start) && start.length > 2)
      throw new TypeError(
        `${what}: a generator function runs on the supervisor's core; it takes no spawn options`,
      );
    return { kind: 'closure', body: definition as (...a: unknown[]) => ProcessBody, args, options: {} };
  }
  throw new TypeError(
    `${what} must be a process or server definition, [definition, args, options], or a generator function`,
  );
}

const isLocation = (value: unknown): value is Location =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Location).module === 'string' &&
  typeof (value as Location).name === 'string';

const isGeneratorFunction = (value: unknown): boolean =>
  Object.prototype.toString.call(value) === '[object GeneratorFunction]';

function notLoaded(location: Location): never {
  throw new TypeError(`${location.module}'s ${location.name} is not loaded`);
}

/**
 * A spec as it can travel to a supervisor in a message: its definition replaced by where it lives.
 *
 * @throws TypeError for a closure, which cannot leave its core.
 */
export function portableSpec(spec: ChildSpec): unknown {
  if (typeof spec !== 'object' || spec === null) return spec;
  const start = spec.start;
  const target = Array.isArray(start) ? start[0] : start;
  const location = locationOf(target);
  if (location === undefined) {
    if (isGeneratorFunction(target))
      throw new TypeError(
        'spec.start: a generator function cannot be sent to a supervisor; define the child with defineProcess or defineServer',
      );
    return spec;
  }
  const { module, name } = location;
  return { ...spec, start: Array.isArray(start) ? [{ module, name }, ...start.slice(1)] : { module, name } };
}

/** Takes `child` out of `children`, if it is there. */
export function removeChild(children: Child[], child: Child): void {
  const at = children.indexOf(child);
  if (at >= 0) children.splice(at, 1);
}
