import type { Process } from './process.js';
import type { Runtime } from './runtime.js';

/** This thread's runtime, once the system is started (or, on a worker, installed). */
let runtime: Runtime | undefined;

export function setRuntime(next: Runtime | undefined): void {
  runtime = next;
}

/** This thread's runtime. @throws Error when no system runs on this thread. */
export function runtimeFor(what: string): Runtime {
  if (runtime === undefined) {
    throw new Error(`${what}: no actor system is running on this thread (await start() first)`);
  }
  return runtime;
}

/** The calling process. @throws TypeError outside a process. */
export function currentProcess(what: string): Process {
  const proc = runtimeFor(what).current();
  if (proc === undefined) throw new TypeError(`${what} must be called inside a process`);
  return proc;
}
