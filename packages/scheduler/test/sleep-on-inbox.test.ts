import { describe, expect, it } from 'vitest';
import { sleepOnInbox } from '../src/sleep-on-inbox.js';

/**
 * A scheduler and a channel stood in for. The inbox holds `inbox.messages`; each turn takes one and
 * ends with nothing left to run, which makes the scheduler call its idle hook, as a real turn's end
 * does.
 */
function harness(inbox: { messages: number }, throwAtTurn = 0) {
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
      if (seen.turns === throwAtTurn) throw new Error('a turn that throws');
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
    // The stream stops at 2,000,000 messages, so that a spin that never yields fails the test
    // instead of hanging it.
    const inbox = { messages: 2_000_000 };
    const { seen, hooks } = harness(inbox);
    let fired = 0;
    let turnsAtFirstTimer = 0;
    const timer = setInterval(() => {
      if (fired++ === 0) turnsAtFirstTimer = seen.turns;
    }, 1);
    hooks.idle();
    while (fired < 5) await new Promise((resolve) => setTimeout(resolve, 1));
    clearInterval(timer);
    hooks.stop();
    await trip(); // the spin sees the stop and ends
    expect(turnsAtFirstTimer).toBeGreaterThan(0);
    expect(inbox.messages).toBeGreaterThan(0); // the timers ran while messages were still coming
    expect(seen.deepest).toBe(1);
  });

  it('goes on spinning after a turn that throws', async () => {
    const inbox = { messages: 100 };
    const { seen, hooks } = harness(inbox, 1);
    expect(() => hooks.idle()).toThrow('a turn that throws');
    const deadline = performance.now() + 1_000;
    while (inbox.messages > 0 && performance.now() < deadline) await trip();
    hooks.stop();
    expect(inbox.messages).toBe(0);
    expect(seen.turns).toBe(100);
  });
});
