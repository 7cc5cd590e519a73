import { isGenerator } from '@beamish/actors';
import type { CompoundForm, Form, LastValue } from './api.js';
import { describe } from './describe.js';

// The forms run what actors would run: a generator, or a receive (which says it is one).
export { isGenerator };

/**
 * The value of what a form (or a handler) returned: a generator is run, as part of the worker, for
 * the value it returns; anything else is the value. Use as `yield* evaluated(form())`. The forms
 * that evaluate a form per round (`inSequence`, `loop`, `doTimes`) inline it, so that a round makes
 * no generator of its own.
 */
export function* evaluated(result: unknown): Generator<unknown, unknown, unknown> {
  return isGenerator(result) ? yield* result : result;
}

/**
 * Evaluates `forms` in order and returns the last one's value. Each form is a time slice of its
 * own: the other processes on the core run between two forms.
 */
export function* inSequence(forms: readonly Form[]): Generator<unknown, unknown, unknown> {
  let value: unknown;
  for (let i = 0; i < forms.length; i++) {
    if (i > 0) yield;
    const result = (forms[i] as Form)();
    value = isGenerator(result) ? yield* result : result;
  }
  return value;
}

/** A compound form around `body`: callable like any form, and `yield*`-able for its value. */
export function compound<T>(body: () => Generator<unknown, unknown, unknown>): CompoundForm<T> {
  const typed = body as () => Generator<unknown, T, unknown>;
  return Object.assign(() => typed(), { [Symbol.iterator]: typed });
}

/** `form`, or a TypeError naming `what`. */
export function checkForm(what: string, form: unknown): Form {
  if (typeof form !== 'function')
    throw new TypeError(`${what} must be a form (a function), got ${describe(form)}`);
  return form as Form;
}

/** Every one of `forms`, or a TypeError naming the first that is not a form. */
export function checkForms<F extends readonly unknown[]>(what: string, forms: F): F {
  for (let i = 0; i < forms.length; i++) checkForm(`${what}[${i}]`, forms[i]);
  return forms;
}

/**
 * Lisp's PROGN: evaluates `forms` in order, one time slice each, and returns the value of the last
 * (`undefined` when there are none). A worker's forms are an implicit `progn`.
 *
 * @example
 * ```ts
 * const total = yield* progn(
 *   () => send('log', 'adding'),
 *   () => 1 + 2,
 * ); // 3, after two slices
 * ```
 * @throws TypeError when one of `forms` is not a function, naming it.
 */
export function progn<const F extends readonly Form[]>(...forms: F): CompoundForm<LastValue<F>> {
  checkForms('forms', forms);
  return compound(() => inSequence(forms));
}
