import type { Channel } from './channel.js';
import type { Scheduler } from './scheduler.js';

const RETRY_MS = 1;

/**
 * The idle hook of a scheduler fed by inbox `index`: sleeps on the inbox's doorbell (keeping the
 * event loop alive) until a message arrives, then wakes the scheduler. Timers of sleeping tasks
 * wake it by themselves. While `retrySoon()` — messages held back by a full inbox elsewhere — it
 * also comes back after a millisecond to send them.
 */
export function sleepOnInbox(
  scheduler: Scheduler,
  channel: Channel,
  index: number,
  retrySoon: () => boolean,
): () => void {
  let asleep = false;
  let retrying = false;
  const retry = () => {
    retrying = false;
    scheduler.wake();
  };
  return () => {
    // Messages held back by a full inbox elsewhere: come back soon to retry them, whether or not a
    // wait on the doorbell is already pending (it may have no time limit). One timer at a time.
    if (!retrying && retrySoon()) {
      retrying = true;
      setTimeout(retry, RETRY_MS);
    }
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
