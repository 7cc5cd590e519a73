import { describe, expect, it } from 'vitest';
import { TaggedStack } from '../src/tagged-stack.js';

function stackOf(size: number) {
  const head = new BigInt64Array(new SharedArrayBuffer(8));
  const next = new Int32Array(new SharedArrayBuffer(4 * size));
  const stack = new TaggedStack(head, 0, next);
  for (let i = size - 1; i >= 0; i--) {
    stack.link(i, -1);
    stack.pushChain(i, i);
  }
  return { head, next, stack };
}

describe('TaggedStack', () => {
  it('pops in LIFO order and pushes chains in one step', () => {
    const { stack } = stackOf(3);
    expect([stack.pop(), stack.pop(), stack.pop(), stack.pop()]).toEqual([0, 1, 2, -1]);
    stack.link(2, 1);
    stack.link(1, 0);
    stack.pushChain(2, 0);
    expect([stack.pop(), stack.pop(), stack.pop(), stack.pop()]).toEqual([2, 1, 0, -1]);
  });

  it('defeats ABA: a pop delayed across pop(A), pop(B), push(A) must not install stale B', () => {
    const { head, next, stack } = stackOf(3); // 0 → 1 → 2
    // Thread 1 starts pop(): reads the head (top = 0) and its successor (1), then stalls.
    const seen = Atomics.load(head, 0);
    const top = Number(seen & 0xffff_ffffn);
    const below = Atomics.load(next, top - 1);
    expect([top - 1, below - 1]).toEqual([0, 1]);
    // Thread 2 pops 0 and 1, then pushes 0 back: the top entry is 0 again, but 1 is now owned.
    expect(stack.pop()).toBe(0);
    expect(stack.pop()).toBe(1);
    stack.link(0, -1);
    stack.pushChain(0, 0);
    // Thread 1 resumes with the CAS that `pop` would make. Without the tag, the word would be
    // unchanged (top = 0) and the CAS would install 1, an entry thread 2 holds.
    const replacement = seen + (1n << 32n) + BigInt(below - top);
    expect(Number(Atomics.load(head, 0) & 0xffff_ffffn)).toBe(top);
    expect(Atomics.compareExchange(head, 0, seen, replacement)).not.toBe(seen);
    expect([stack.pop(), stack.pop(), stack.pop()]).toEqual([0, 2, -1]);
  });
});
