import type { Channel } from './channel.js';
import type { Scheduler } from './scheduler.js';

/**
 * The idle hook of a scheduler fed by inbox `index`: sleeps on the inbox's doorbell (keeping the
 * event loop alive) until a message arrives, then wakes the scheduler. Timers of sleeping tasks
 * wake it by themselves.
 */
export function sleepOnInbox(scheduler: Scheduler, channel: Channel, index: number): () => void {
  let asleep = false;
  return () => {
    if (asleep) return;
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
}
