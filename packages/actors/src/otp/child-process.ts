/**
 * Starting and stopping one child, as its supervisor does (inside the supervisor's process, which
 * traps exits).
 */
import { exit, monitor, spawnLink, unlink } from '../api.js';
import type { ProcessDefinition } from '../definition.js';
import { _ } from '../patterns.js';
import type { Pid, Ref } from '../pid.js';
import { after, on, receive } from '../receive.js';
import type { Child } from './child-spec.js';
import { TIMED_OUT } from './protocol.js';
import type { ServerDefinition } from './server.js';
import { startServer } from './start-server.js';

/** Starts `child`, linked to the calling supervisor; a server's `init` has run when this returns. */
export function* startChildProcess(child: Child): Generator<unknown, Pid, unknown> {
  const { starter } = child;
  const args = child.extra.length === 0 ? starter.args : [...starter.args, ...child.extra];
  switch (starter.kind) {
    case 'server':
      return yield* startServer(starter.definition as ServerDefinition<unknown[]>, args, {
        ...starter.options,
        link: true,
      });
    case 'process':
      return spawnLink(starter.definition as ProcessDefinition, args, starter.options);
    case 'closure':
      return spawnLink(() => starter.body(...args));
  }
}

type Down = ['DOWN', Ref, 'process', Pid, unknown];

/**
 * Stops running children as OTP does: each is unlinked (so its exit is not taken for a crash) and
 * monitored, sent `exit(pid, 'shutdown')` — or `'kill'` for `brutal_kill` — and killed if it has not
 * exited within its shutdown time. `inOrder` stops one after the other (a static supervisor's
 * children, in reverse start order); otherwise all at once (a dynamic supervisor's).
 */
export function* stopChildren(children: Child[], inOrder: boolean): Generator<unknown, void, unknown> {
  if (inOrder) {
    for (const child of children) if (child.pid !== undefined) yield* stopAll([child]);
  } else yield* stopAll(children.filter((child) => child.pid !== undefined));
}

function* stopAll(children: Child[]): Generator<unknown, void, unknown> {
  const started = performance.now();
  /** Each child still running, by its monitor, with the time it is killed at. */
  const running = new Map<Ref, { child: Child; killAt: number }>();
  for (const child of children) {
    const pid = child.pid as Pid;
    const { shutdown } = child;
    running.set(monitor(pid), {
      child,
      killAt: typeof shutdown === 'number' ? started + shutdown : Infinity,
    });
    unlink(pid);
    // An EXIT already here means it died before the unlink: its DOWN follows, and says why.
    yield* receive(on(['EXIT', pid, _]), after(0));
    exit(pid, shutdown === 'brutal_kill' ? 'kill' : 'shutdown');
  }
  const isRunning = (ref: unknown) => running.has(ref as Ref);
  while (running.size > 0) {
    let killAt = Number.POSITIVE_INFINITY;
    for (const entry of running.values()) killAt = Math.min(killAt, entry.killAt);
    const down = (yield* receive(
      on(['DOWN', isRunning, _, _, _]),
      after(Math.max(0, killAt - performance.now()), () => TIMED_OUT),
    )) as Down | typeof TIMED_OUT;
    if (down !== TIMED_OUT) {
      (running.get(down[1]) as { child: Child }).child.pid = undefined;
      running.delete(down[1]);
      continue;
    }
    // Past its shutdown time: killed, which cannot be trapped; its DOWN comes next.
    const now = performance.now();
    for (const entry of running.values()) {
      if (entry.killAt > now) continue;
      exit(entry.child.pid as Pid, 'kill');
      entry.killAt = Number.POSITIVE_INFINITY;
    }
  }
}
