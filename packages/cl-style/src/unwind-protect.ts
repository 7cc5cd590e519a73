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
    try {
      return yield* evaluated(protectedForm());
    } finally {
      if (worker !== undefined && runningPid() !== worker) unwindingAs(worker, () => cleanUpNow(cleanup));
      else for (const form of cleanup) yield* evaluated(form());
    }
  });
}
