import { type Pid, self as selfOfProcess } from '@beamish/actors';

/**
 * The worker whose cleanup forms are running outside its own time slice: a worker ended from
 * elsewhere (`exit(pid, 'kill')`, a linked crash, …) runs them in that call, where the running
 * process is another one, or none.
 */
let unwinding: Pid | undefined;

/** The pid of the running process, or undefined outside any process. */
export function runningPid(): Pid | undefined {
  try {
    return selfOfProcess();
  } catch {
    return undefined;
  }
}

/** Runs `cleanup` as `worker`'s: `self()` answers `worker` meanwhile. */
export function unwindingAs(worker: Pid, cleanup: () => void): void {
  const outer = unwinding;
  unwinding = worker;
  try {
    cleanup();
  } finally {
    unwinding = outer;
  }
}

/**
 * The pid of the worker (or process) evaluating the form; inside the cleanup forms of
 * `unwindProtect`, the worker's own pid even when it was ended from another process.
 *
 * @example
 * ```ts
 * withWorker({}, () => send('registry', ['hello', self()]));
 * ```
 * @throws TypeError outside a process.
 */
export function self(): Pid {
  return unwinding ?? selfOfProcess();
}
