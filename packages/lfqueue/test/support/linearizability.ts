/**
 * A linearizability checker for histories of a bounded FIFO queue, after Wing & Gong (1993) with
 * the memoisation of Lowe (2017): a depth-first search for a sequential order of the operations
 * that respects their real-time order and that the sequential specification accepts.
 *
 * A history is a set of completed operations, each with the time of its invocation and of its
 * response on one clock shared by every thread (the tests read it with an `Atomics.add` just
 * before and just after each call, so every recorded interval contains the real one). Operation a
 * precedes b in real time when a responded before b was invoked; overlapping operations may take
 * effect in either order.
 *
 * The sequential specification, for a queue of `capacity` values:
 * - `enqueue(v)` → `true` when the queue holds fewer than `capacity` values, appending `v`;
 * - `enqueue(v)` → `false` when it holds exactly `capacity` values, changing nothing;
 * - `dequeue()` → `v` when `v` is the oldest value, removing it;
 * - `dequeue()` → `undefined` when the queue is empty.
 *
 * With `{ full: 'pool' }` an enqueue may also report `false` when the queue holds fewer values, as
 * long as the operations that overlap it in time could hold the other nodes: the contract of a queue
 * whose capacity is a pool of nodes that operations in progress take out and put back (an enqueue
 * holds its node before linking it, a dequeue the old dummy after unlinking it), as `LMSQueue` and
 * `MSQueue` document it ("false when every node is in use").
 */

export type QueueOperation =
  | {
      readonly kind: 'enqueue';
      readonly value: number;
      readonly ok: boolean;
      readonly invoke: number;
      readonly respond: number;
      readonly thread?: number;
    }
  | {
      readonly kind: 'dequeue';
      readonly value: number | undefined;
      readonly invoke: number;
      readonly respond: number;
      readonly thread?: number;
    };

export interface CheckResult {
  readonly linearizable: boolean;
  /** When linearizable: the indices of the operations in an order that explains the history. */
  readonly witness?: readonly number[];
  /** Search states visited, a measure of the checker's work. */
  readonly states: number;
}

export interface CheckOptions {
  /**
   * When `enqueue` may report a full queue: only at `capacity` values (`'strict'`), or also when the
   * operations overlapping the enqueue could hold the missing nodes (`'pool'`).
   *
   * @defaultValue 'strict'
   */
  readonly full?: 'strict' | 'pool';
}

/** The most operations one history may hold: the set of linearized ones is a float-exact bit mask. */
export const MAX_OPERATIONS = 52;

/** Checks `history` against the sequential specification of a FIFO queue of `capacity` values. */
export function checkQueueHistory(
  history: readonly QueueOperation[],
  capacity: number,
  options: CheckOptions = {},
): CheckResult {
  const n = history.length;
  if (n > MAX_OPERATIONS) throw new RangeError(`at most ${MAX_OPERATIONS} operations, got ${n}`);
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`bad capacity ${capacity}`);
  for (const [i, op] of history.entries()) {
    if (!(op.invoke < op.respond)) {
      throw new RangeError(`operation ${i} responds (${op.respond}) before it is invoked (${op.invoke})`);
    }
  }

  // How many values short of `capacity` each operation may find a full queue.
  const slack = history.map((op) => (options.full === 'pool' ? overlapping(history, op) : 0));
  const done = new Array<boolean>(n).fill(false);
  const bit = history.map((_, i) => 2 ** i);
  const queue: number[] = [];
  const order: number[] = [];
  // States (set of linearized operations, queue contents) already shown to lead nowhere.
  const dead = new Set<string>();
  let states = 0;

  const search = (): boolean => {
    if (order.length === n) return true;
    let mask = 0;
    for (const i of order) mask += bit[i] as number;
    const key = `${mask}|${queue.join(',')}`;
    if (dead.has(key)) return false;
    states++;
    // Only a minimal operation can go next: one invoked before every other pending one responded.
    let firstResponse = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const op = history[i] as QueueOperation;
      if (!done[i] && op.respond < firstResponse) firstResponse = op.respond;
    }
    for (let i = 0; i < n; i++) {
      const op = history[i] as QueueOperation;
      if (done[i] || op.invoke > firstResponse) continue;
      const undo = apply(op, queue, capacity, slack[i] as number);
      if (undo === undefined) continue;
      done[i] = true;
      order.push(i);
      if (search()) return true;
      order.pop();
      done[i] = false;
      undo();
    }
    dead.add(key);
    return false;
  };

  return search() ? { linearizable: true, witness: [...order], states } : { linearizable: false, states };
}

/** The number of other operations in `history` whose interval overlaps that of `op`. */
function overlapping(history: readonly QueueOperation[], op: QueueOperation): number {
  let count = 0;
  for (const other of history) {
    if (other !== op && other.invoke < op.respond && op.invoke < other.respond) count++;
  }
  return count;
}

/**
 * Applies `op` to the sequential queue if the specification allows its result there, returning how
 * to take it back; `undefined` if the specification forbids it. A failed enqueue needs a full queue,
 * or one `slack` values short of full.
 */
function apply(
  op: QueueOperation,
  queue: number[],
  capacity: number,
  slack: number,
): (() => void) | undefined {
  if (op.kind === 'enqueue') {
    if (!op.ok) return queue.length + slack >= capacity ? noop : undefined;
    if (queue.length >= capacity) return undefined;
    queue.push(op.value);
    return () => queue.pop();
  }
  if (op.value === undefined) return queue.length === 0 ? noop : undefined;
  if (queue.length === 0 || queue[0] !== op.value) return undefined;
  queue.shift();
  const value = op.value;
  return () => queue.unshift(value);
}

const noop = (): void => {};

/** One line per operation, in invocation order, for failure messages. */
export function formatHistory(history: readonly QueueOperation[]): string {
  return history
    .map((op, i) => ({ op, i }))
    .sort((a, b) => a.op.invoke - b.op.invoke)
    .map(({ op, i }) => {
      const call =
        op.kind === 'enqueue'
          ? `enqueue(${op.value}) -> ${op.ok}`
          : `dequeue() -> ${op.value === undefined ? 'empty' : op.value}`;
      const thread = op.thread === undefined ? '' : `thread ${op.thread} `;
      return `#${i} ${thread}[${op.invoke}, ${op.respond}] ${call}`;
    })
    .join('\n');
}
