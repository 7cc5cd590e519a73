import { exit, type SpawnOptions, self, send, spawnMonitor, unlink } from '../api.js';
import { defineProcess, locationOf, type ProcessDefinition } from '../definition.js';
import { _ } from '../patterns.js';
import type { Pid, Ref } from '../pid.js';
import { on, receive } from '../receive.js';
import { CallError, exitDetail } from './call-error.js';
import { Operation } from './operation.js';
import { checkTimeout, type From, REPLY } from './protocol.js';
import { awaitReply, expectReply, reply, timedOut } from './replies.js';

/** `[GO, from]`: the task's owner tells it where to send its result. */
const GO = '$task_go';

declare const RESULT: unique symbol;

/** A task defined at module level with `defineTask`: it can run on any core. */
export type TaskDefinition<A extends unknown[] = unknown[], T = unknown> = ProcessDefinition<A> & {
  readonly [RESULT]?: T;
};

/** A task's body: a generator function whose return value is the task's result. */
export type TaskBody<T> = () => Generator<unknown, T, unknown>;

/**
 * Defines a task at module level, under the name it is exported as, so that it can run on any core
 * (a computation to spread over the cores: `startTask(definition, args)`).
 *
 * @example
 * ```ts
 * export const sumTo = defineTask(import.meta.url, 'sumTo', function* (n: number) {
 *   let sum = 0;
 *   for (let i = 1; i <= n; i++) sum += i;
 *   return sum;
 * });
 * const total = yield* runTask(sumTo, [1e6]);
 * ```
 */
export function defineTask<A extends unknown[], T>(
  module: string,
  name: string,
  body: (...args: A) => Generator<unknown, T, unknown>,
): TaskDefinition<A, T> {
  if (typeof body !== 'function') throw new TypeError('body must be a generator function');
  return defineProcess(module, name, (...args: A) => runBody(() => body(...args)));
}

/** A task's process: waits to be told where its result goes, computes it, and sends it there. */
function* runBody(body: TaskBody<unknown>): Generator<unknown, void, unknown> {
  const [, from] = (yield* receive(on([GO, _]))) as [typeof GO, From];
  let result: [boolean, unknown];
  try {
    result = [true, yield* body()];
  } catch (error) {
    result = [false, error];
  }
  try {
    reply(from, result);
  } catch (error) {
    // A result or error the codec cannot carry to the owner's core: the owner hears why.
    reply(from, [false, error]);
  }
}

/**
 * A computation running in a process of its own, linked to the process that started it (Elixir's
 * `Task.async`): await its result with `task.await(timeoutMs)`.
 */
export class TaskHandle<T> {
  /** The task's process. */
  readonly pid: Pid;
  readonly #ref: Ref;
  readonly #owner: Pid;
  #awaited = false;

  /** @internal */
  constructor(pid: Pid, ref: Ref, owner: Pid) {
    this.pid = pid;
    this.#ref = ref;
    this.#owner = owner;
  }

  /**
   * The task's result; what it threw is thrown here. Past `timeoutMs` the task is killed and this
   * throws a `CallError` with reason `'timeout'`; a result that comes later is dropped.
   *
   * @example
   * ```ts
   * const task = startTask(function* () { return yield* call('kv', ['get', 'a']); });
   * const a = yield* task.await(1000);
   * ```
   * @param timeoutMs - how long to wait. @defaultValue 5000
   * @throws TypeError when called by another process than the task's owner, or twice.
   */
  await(timeoutMs = 5000): Operation<T> {
    checkTimeout('timeoutMs', timeoutMs);
    return new Operation(() => this.#wait(timeoutMs));
  }

  *#wait(timeoutMs: number): Generator<unknown, T, unknown> {
    if (self() !== this.#owner)
      throw new TypeError('task.await must be called by the process that started the task');
    if (this.#awaited) throw new TypeError('the task was awaited already');
    this.#awaited = true;
    const answer = yield* awaitReply(this.#ref, timeoutMs);
    if (timedOut(answer)) {
      unlink(this.pid);
      exit(this.pid, 'kill');
      throw new CallError('task', this.pid, 'timeout', `no result within ${timeoutMs} ms`);
    }
    if (answer[0] !== REPLY) throw new CallError('task', this.pid, answer[4], exitDetail(answer[4]));
    const [ok, value] = answer[2] as [boolean, unknown];
    if (!ok) throw value;
    return value as T;
  }
}

/**
 * Starts a task linked to the calling process: a generator function runs on this core; a
 * definition made with `defineTask` runs where placement (or `options.affinity`) puts it.
 *
 * @example
 * ```ts
 * const tasks = chunks.map((chunk) => startTask(sumChunk, [chunk]));
 * let total = 0;
 * for (const task of tasks) total += yield* task.await();
 * ```
 * @throws TypeError outside a process (use `runTask` there), or for a body that is neither.
 */
export function startTask<T>(body: TaskBody<T>): TaskHandle<T>;
export function startTask<A extends unknown[], T>(
  definition: TaskDefinition<A, T>,
  args: NoInfer<A>,
  options?: SpawnOptions,
): TaskHandle<T>;
export function startTask(body: unknown, args?: unknown[], options: SpawnOptions = {}): TaskHandle<unknown> {
  if (typeof body !== 'function')
    throw new TypeError('body must be a generator function or a task definition');
  const owner = self();
  const [pid, ref] =
    locationOf(body) === undefined
      ? spawnMonitor(() => runBody(body as TaskBody<unknown>), { link: true })
      : spawnMonitor(body as ProcessDefinition, args ?? [], { ...options, link: true });
  send(pid, [GO, [owner, ref, expectReply(ref, owner)]]);
  return new TaskHandle(pid, ref, owner);
}

/**
 * Starts a task and waits for its result: `yield*` it inside a process, `await` it outside.
 *
 * @example
 * ```ts
 * const total = await runTask(sumTo, [1e6], 10_000);
 * ```
 * @param timeoutMs - how long to wait. @defaultValue 5000
 */
export function runTask<T>(body: TaskBody<T>, timeoutMs?: number): Operation<T>;
export function runTask<A extends unknown[], T>(
  definition: TaskDefinition<A, T>,
  args: NoInfer<A>,
  timeoutMs?: number,
): Operation<T>;
export function runTask(body: unknown, argsOrTimeout?: unknown, maybeTimeout?: number): Operation<unknown> {
  const withArgs = Array.isArray(argsOrTimeout);
  const timeoutMs = (withArgs ? maybeTimeout : (argsOrTimeout as number | undefined)) ?? 5000;
  checkTimeout('timeoutMs', timeoutMs);
  return new Operation(function* () {
    const task = withArgs
      ? startTask(body as TaskDefinition, argsOrTimeout as unknown[])
      : startTask(body as TaskBody<unknown>);
    return yield* task.await(timeoutMs);
  });
}
