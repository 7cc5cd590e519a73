import type { Pid } from '@beamish/actors';
import type { CompoundForm, Form, ValueOf } from './api.js';
import { checkForm, checkForms, compound, evaluated, isGenerator } from './progn.js';
import { runningPid, unwindingAs } from './self.js';

/**
 * Runs `cleanup` from outside the worker's slices, where nothing can wait: a plain form runs in
 * full, a generator form up to its first `yield` (and then through its own `finally` blocks).
 */
function cleanUpNow(cleanup: readonly Form[]): void {
  for (const form of cleanup) {
    const result = form();
    if (isGenerator(result) && result.next().done !== true) result.return(undefined);
  }
}

/** `cleanUpNow`, with `self()` answering `worker`. */
function unwindNow(cleanup: readonly Form[], worker: Pid | undefined): void {
  if (worker === undefined) cleanUpNow(cleanup);
  else unwindingAs(worker, () => cleanUpNow(cleanup));
}

/**
 * Runs the cleanup forms in the worker's time slices. If the worker is ended while one of them
 * waits (a kill, its heap limit), or one throws, the forms after it run at once, as `cleanUpNow`.
 */
function* inTurn(cleanup: readonly Form[], worker: Pid | undefined): Generator<unknown, void, unknown> {
  for (let i = 0; i < cleanup.length; i++) {
    let ran = false;
    try {
      yield* evaluated((cleanup[i] as Form)());
      ran = true;
    } finally {
      if (!ran) unwindNow(cleanup.slice(i + 1), worker);
    }
  }
}

/**
 * Lisp's UNWIND-PROTECT: evaluates `protectedForm`, then the `cleanup` forms however it exits —
 * with a value, by an error, or because the worker was ended (`exit(pid, 'kill')`, a linked
 * process's crash, `max_heap_size`). The value is `protectedForm`'s.
 *
 * The cleanup forms run without time slices between them. When the worker is ended from another
 * process they run at once, in that call: a plain form runs in full, a generator form up to its
 * first `yield`. There `self()` still answers the worker's pid, but nothing can wait (`receive`)
 * or reach the worker's `heap()`.
 *
 * @example
 * ```ts
 * withWorker({ name: 'reader' }, unwindProtect(
 *   loop(receive([isString, (line) => lines.push(line)])),
 *   () => send('log', ['closed', self()]),
 * ));
 * ```
 * @throws TypeError when a form is not a function, naming it.
 */
export function unwindProtect<F extends Form>(
  protectedForm: F,
  ...cleanup: readonly Form[]
): CompoundForm<ValueOf<F>> {
  checkForm('protectedForm', protectedForm);
  checkForms('cleanup', cleanup);
  return compound(function* () {
    const worker = runningPid();
    // Set when the protected form returns or throws: the worker goes on, and its cleanup forms
    // take their time slices. Left unset when the worker is being ended (its generator is closed,
    // from elsewhere or at the end of its own slice), where nothing can wait any more.
    let goingOn = false;
    try {
      const value = yield* evaluated(protectedForm());
      goingOn = true;
      return value;
    } catch (error) {
      goingOn = true;
      throw error;
    } finally {
      if (goingOn) yield* inTurn(cleanup, worker);
      else unwindNow(cleanup, worker);
    }
  });
}
