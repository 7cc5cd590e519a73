import type { ProcessBody } from './runtime.js';

const LOCATION = Symbol.for('beamish.actors.location');

/** Where a module-level process definition lives: what another core imports to start it. */
export interface Location {
  module: string;
  name: string;
}

/** A process body defined at module level with `defineProcess`: it can start on any core. */
export type ProcessDefinition<A extends unknown[] = unknown[]> = ((...args: A) => ProcessBody) & {
  readonly [LOCATION]: Location;
};

/**
 * Defines a process at module level, under the name it is exported as, so that it can be started
 * on any core (Erlang's `spawn(Module, Function, Args)`): the other core imports `module` and calls
 * the export `name` with the (copied) arguments. Placement and rebalancing apply to it.
 *
 * @example
 * ```ts
 * // counter.ts
 * export const counter = defineProcess(import.meta.url, 'counter', function* (start: number) {
 *   let n = start;
 *   for (;;) {
 *     const [from] = (yield* receive()) as [Pid];
 *     send(from, ++n);
 *   }
 * });
 * // elsewhere
 * const pid = spawn(counter, [0]);
 * ```
 * @throws TypeError when `module` or `name` is not a string, or `body` is not a function.
 */
export function defineProcess<A extends unknown[]>(
  module: string,
  name: string,
  body: (...args: A) => ProcessBody,
): ProcessDefinition<A> {
  if (typeof module !== 'string') throw new TypeError('module must be a URL string: pass import.meta.url');
  if (typeof name !== 'string' || name === '')
    throw new TypeError('name must be the name the definition is exported as');
  if (typeof body !== 'function') throw new TypeError('body must be a generator function');
  const definition = ((...args: A) => body(...args)) as ProcessDefinition<A>;
  Object.defineProperty(definition, LOCATION, { value: { module, name } });
  Object.defineProperty(definition, 'name', { value: name });
  return definition;
}

/** Where `body` is defined, if it was made by `defineProcess`. */
export function locationOf(body: unknown): Location | undefined {
  return typeof body === 'function' ? (body as Partial<ProcessDefinition>)[LOCATION] : undefined;
}
