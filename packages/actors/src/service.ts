// The actors runtime as a scheduler service: every scheduler of a system imports this module and
// installs a Runtime beside itself (its own entry in the build, so worker threads can load it).
import type { Core } from '@beamish/scheduler';
import { setRuntime } from './current.js';
import { Runtime, type RuntimeShared } from './runtime.js';

export function install(core: Core, shared: unknown): Runtime {
  const runtime = new Runtime(core, shared as RuntimeShared);
  setRuntime(runtime);
  return runtime;
}
