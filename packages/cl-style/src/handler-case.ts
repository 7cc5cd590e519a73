import { ExitSignal } from '@beamish/actors';
import type { CompoundForm, Evaluated, Form, ValueOf } from './api.js';
import { describe } from './describe.js';
import { checkForm, compound, evaluated } from './progn.js';

/** A class of errors: what a `handlerCase` clause catches (its instances, or what its `isInstance` accepts). */
export type ErrorClass<E> = abstract new (...args: never[]) => E;

/** `handlerCase`'s clauses: `[ErrorClass, handler]` pairs, each handler typed by its class. */
export type HandlerClauses<E extends readonly unknown[]> = {
  [K in keyof E]: readonly [errorClass: ErrorClass<E[K]>, handler: (error: E[K]) => unknown];
};

/** The value a `[pattern or class, handler]` clause gives: its handler's. */
export type ClauseValue<C> = C extends readonly [unknown, (...args: never) => infer R] ? Evaluated<R> : never;

const isExitSignalClass = (errorClass: ErrorClass<unknown>): boolean =>
  errorClass === ExitSignal || (errorClass as { prototype?: unknown }).prototype instanceof ExitSignal;

/**
 * Whether a clause for `errorClass` catches `error`. A class with a static `isInstance` (the way
 * beamish's errors are recognised across copies of a package) decides by it. An `ExitSignal` —
 * `exit(reason)` ending the worker — is caught only by a clause that names `ExitSignal`.
 */
function catches(errorClass: ErrorClass<unknown>, error: unknown): boolean {
  if (ExitSignal.isInstance(error) && !isExitSignalClass(errorClass)) return false;
  const isInstance: unknown = (errorClass as { isInstance?: unknown }).isInstance;
  return typeof isInstance === 'function'
    ? isInstance.call(errorClass, error) === true
    : error instanceof errorClass;
}

/**
 * Lisp's HANDLER-CASE: evaluates `form`; if it throws an error that one of the clauses' classes
 * catches (the first that does, in order), the value is that clause's handler's, called with the
 * error; other errors go on up. `exit(reason)` is caught only by a clause for `ExitSignal`, and a
 * worker ended from outside (`kill`) cannot be caught at all, as in Erlang.
 *
 * @example
 * ```ts
 * const parsed = yield* handlerCase(
 *   () => JSON.parse(text) as unknown,
 *   [SyntaxError, (error) => ({ invalid: error.message })],
 * );
 * ```
 * @throws TypeError when `form` is not a function, or a clause is not a `[class, handler]` pair, naming it.
 */
export function handlerCase<F extends Form, const E extends readonly unknown[], C extends readonly unknown[]>(
  form: F,
  ...clauses: HandlerClauses<E> & C
): CompoundForm<ValueOf<F> | ClauseValue<C[number]>> {
  checkForm('form', form);
  const pairs = clauses as unknown as ReadonlyArray<
    readonly [ErrorClass<unknown>, (error: unknown) => unknown]
  >;
  pairs.forEach((clause, i) => {
    if (
      !Array.isArray(clause) ||
      clause.length !== 2 ||
      typeof clause[0] !== 'function' ||
      typeof clause[1] !== 'function'
    ) {
      throw new TypeError(`clauses[${i}] must be an [ErrorClass, handler] pair, got ${describe(clause)}`);
    }
  });
  return compound(function* () {
    try {
      return yield* evaluated(form());
    } catch (error) {
      const clause = pairs.find(([errorClass]) => catches(errorClass, error));
      if (clause === undefined) throw error;
      return yield* evaluated(clause[1](error));
    }
  });
}
