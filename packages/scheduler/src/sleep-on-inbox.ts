import type { Channel } from './channel.js';
import type { Scheduler } from './scheduler.js';

/**
 * How long a spin looks at the inbox in place, inside one event-loop callback, before it takes a trip
 * round the loop: a trip costs microseconds, and a trip per look was most of a round trip across
 * cores. Timers and I/O wait no longer than this.
 */
const SPIN_IN_PLACE_MS = 0.02;

/**
 * The idle hook of a scheduler fed by inbox `index`. First it spins for `spinMs`, looking at the
 * inbox once per trip round the event loop (a doorbell wake-up costs 20–90 µs here, a trip ~1 µs,
 * so a reply that comes soon is taken at once, as BEAM's schedulers busy-wait before sleeping);
 * then it sleeps on the inbox's doorbell (keeping the event loop alive) until a message arrives.
 * Either way it wakes the scheduler. Timers of sleeping tasks wake it by themselves.
 */
export function sleepOnInbox(
  scheduler: Scheduler,
  channel: Channel,
  index: number,
  spinMs: number,
): { idle: () => void; stop: () => void } {
  let stopped = false;
  let asleep = false;
  let spinning = false;
  let spinUntil = 0;
  const sleep = () => {
    if (stopped) return;
    const bell = channel.doorbell(index);
    const ticket = bell.prepare();
    if (channel.depth(index) > 0) {
      bell.cancel();
      scheduler.wake();
      return;
    }
    asleep = true;
    bell.waitAsync(ticket).then(() => {
      asleep = false;
      scheduler.wake();
    });
  };
  /** Set by `idle` when a turn that `spin` started ends with nothing to run. */
  let turnWentIdle = false;
  const spin = () => {
    // A reply that comes within a few microseconds is taken without a trip round the event loop.
    // What this turn sent goes first (it would go at the end of this callback): the reply waited for
    // may depend on it.
    channel.flush();
    const until = Math.min(spinUntil, performance.now() + SPIN_IN_PLACE_MS);
    for (;;) {
      while (!stopped && channel.depth(index) === 0 && performance.now() < until);
      if (stopped) {
        spinning = false;
        return;
      }
      if (channel.depth(index) === 0) break;
      // Already in an event-loop callback: no need for another trip. A turn that leaves nothing to
      // run calls `idle`, which finds this spin still going and only notes it; the spin then goes
      // on here, in this loop. Called from inside the turn instead, it would start the next turn
      // inside this one, and messages that keep coming would nest turns until the stack overflowed.
      turnWentIdle = false;
      try {
        scheduler.turnNow();
      } catch (error) {
        // A turn that throws has still ended, and may have left the spin to this loop: go on in
        // the next callback, or nothing would look at the inbox again.
        if (turnWentIdle && !stopped) setImmediate(spin);
        else spinning = false;
        throw error;
      }
      if (!turnWentIdle) {
        // The turn left work to run and has woken the scheduler for it (or the group is stopping
        // and took its idle hook away).
        spinning = false;
        return;
      }
      spinUntil = performance.now() + spinMs;
      channel.flush();
      if (performance.now() >= until) {
        setImmediate(spin); // timers and I/O get their trip round the loop
        return;
      }
    }
    if (performance.now() < spinUntil) setImmediate(spin);
    else {
      spinning = false;
      sleep();
    }
  };
  const idle = () => {
    if (spinning) {
      turnWentIdle = true;
      return;
    }
    if (asleep || stopped) return;
    if (spinMs <= 0) {
      sleep();
      return;
    }
    spinning = true;
    spinUntil = performance.now() + spinMs;
    spin();
  };
  /** No more spinning or sleeping; a sleeper is woken, so that nothing keeps the event loop alive. */
  const stop = () => {
    stopped = true;
    channel.doorbell(index).ring();
  };
  return { idle, stop };
}
