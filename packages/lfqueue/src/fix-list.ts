import { slot } from './layout.js';

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
 * it implies for that node is `<node, that generation>`. A walk that wanders into a node's newer
 * life (the head moved while it read) writes only links that are right for that life, or carry a
 * generation that has passed.
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
    const before = Atomics.load(ints, slot(node, list.next));
    const beforeNode = before & indexMask;
    if (beforeNode === indexMask) return; // a null next: `current` has left the list
    const link = (before & ~indexMask) | node;
    const prevSlot = slot(beforeNode, list.prev);
    if (Atomics.load(ints, prevSlot) !== link) Atomics.store(ints, prevSlot, link);
    current = before;
  }
}
