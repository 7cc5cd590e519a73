import { describe, expect, it } from 'vitest';
import { sleepOnInbox } from '../src/sleep-on-inbox.js';

/**
 * A scheduler and a channel stood in for. The inbox holds `inbox.messages`; each turn takes one and
 * ends with nothing left to run, which makes the scheduler call its idle hook, as a real turn's end
 * does.
 */
function harness(inbox: { messages: number }) {
  const seen = { turns: 0, depth: 0, deepest: 0 };
  const doorbell = { prepare: () => 0, cancel() {}, ring() {}, waitAsync: () => new Promise(() => {}) };
  const channel = { flush: () => false, depth: () => (inbox.messages > 0 ? 1 : 0), doorbell: () => doorbell };
  const scheduler = {
    wake() {},
    turnNow() {
      seen.depth++;
      seen.deepest = Math.max(seen.deepest, seen.depth);
      seen.turns++;
      inbox.messages--;
      hooks.idle();
      seen.depth--;
    },
  };
  const hooks = sleepOnInbox(scheduler as never, channel as never, 0, 50);
  return { seen, hooks };
}

const trip = () => new Promise((resolve) => setImmediate(resolve));

describe('sleepOnInbox', () => {
  it('runs turn after turn, not one inside another, while messages keep coming', async () => {
    const inbox = { messages: 20_000 };
    const { seen, hooks } = harness(inbox);
    hooks.idle();
    while (inbox.messages > 0) await trip();
    hooks.stop();
    expect(seen.turns).toBe(20_000);
    expect(seen.deepest).toBe(1);
  });

  it('lets timers run between turns while messages keep coming', async () => {
    const inbox = { messages: Number.POSITIVE_INFINITY };
    const { seen, hooks } = harness(inbox);
    let fired = 0;
    const timer = setInterval(() => fired++, 1);
    hooks.idle();
    while (fired < 5) await new Promise((resolve) => setTimeout(resolve, 1));
    clearInterval(timer);
    hooks.stop();
    await trip(); // the spin sees the stop and ends
    expect(seen.turns).toBeGreaterThan(0);
    expect(seen.deepest).toBe(1);
  });
});
