/**
 * Interception points for tests, looked up once when the module loads. In normal use nothing sets
 * them and each costs one never-taken branch.
 *
 * A test sets `globalThis[Symbol.for('beamish.lfqueue.hooks')]` before it imports the package (in a
 * worker too), to delay the optimistic `prev` store of `LMSQueue` and so force `fixList`, to pause
 * a dequeue just before its CAS or a repair before it reads a link, or to take the generations away
 * and watch ABA corrupt the queue.
 */
export interface QueueHooks {
  /** Generations never change: the queue becomes the untagged algorithm, open to ABA. */
  readonly untagged?: boolean;
  /**
   * Called by `LMSQueue` after an enqueue's CAS on the tail, and by the node pool after a give's CAS
   * on the pool's tail, instead of the `prev` store; it must call `store()` itself, now or later (or
   * never, to leave the link for `fixList`).
   */
  deferPrevStore?: ((store: () => void) => void) | undefined;
  /**
   * Called by `fixList` at each step, after it has checked the head and before it reads `current`'s
   * `next`; `list` is the int32 index of the head word of the list it repairs (the queue's or the
   * pool's).
   */
  fixListStep?: ((list: number, current: number) => void) | undefined;
  /** Called by `MSQueue`'s enqueue that has read the last node's null `next` and is about to CAS it. */
  beforeLinkCas?: (() => void) | undefined;
  /** Called by a dequeue that has read everything and is about to CAS the head. */
  beforeHeadCas?: (() => void) | undefined;
}

export const hooks: QueueHooks | undefined = (globalThis as Record<symbol, QueueHooks | undefined>)[
  Symbol.for('beamish.lfqueue.hooks')
];
