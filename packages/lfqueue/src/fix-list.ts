import { hooks } from './hooks.js';
import { slot } from './layout.js';
import { linkTo } from './pointer.js';

/** The fields of one optimistic list: its head word, and the links of its nodes. */
export interface ListFields {
  readonly head: number;
  readonly next: number;
  readonly prev: number;
}

/**
 * The `fixList` of Ladan-Mozes and Shavit: walks from `tail` to `head` along the `next` links, which
 * are written before a node is published and so are always right, and rewrites every `prev` link
 * that does not match. It stops when the list's head word is no longer `head`: the nodes it would
 * repair have been dequeued.
 *
 * A node's `next` is the word of the node before it, carrying that node's generation; the `prev`
 * it implies for that node is `<node, that generation>`. A `next` is trusted only if the head has
 * not moved between the check before it was read and the one after: then no node was freed in
 * between, `current` was in the list while its `next` was read, and that `next` is final. Without
 * the second check, a walk delayed while `current` was freed and taken by a producer could read the
 * `next` that producer wrote before a CAS that then fails, and point a live node's `prev` at a node
 * that never follows it (a value lost, a node leaked: `test/fix-list.test.ts` builds that
 * interleaving). A store delayed after the checks carries a generation that has passed if its node
 * has been recycled meanwhile: it is ignored, and if it overwrote a link of the node's new life, that
 * link is repaired again when it is needed.
 */
export function fixList(
  ints: Int32Array,
  list: ListFields,
  indexMask: number,
  tail: number,
  head: number,
): void {
  let current = tail;
  while (current !== head && Atomics.load(ints, list.head) === head) {
    const node = current & indexMask;
    hooks?.fixListStep?.(list.head, current);
    const before = Atomics.load(ints, slot(node, list.next));
    if (Atomics.load(ints, list.head) !== head) return;
    const beforeNode = before & indexMask;
    if (beforeNode === indexMask) return; // a null next: `current` has left the list
    const link = linkTo(before, node, indexMask);
    const prevSlot = slot(beforeNode, list.prev);
    if (Atomics.load(ints, prevSlot) !== link) Atomics.store(ints, prevSlot, link);
    current = before;
  }
}
