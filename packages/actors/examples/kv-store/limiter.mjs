// The rate limiter in front of the store: a token bucket per client. Allowed requests are passed to
// the store by its registered name, so the limiter keeps working when the store is restarted.
import { CallError, call, defineServer } from '@beamish/actors';

export const rateLimiter = defineServer(import.meta.url, 'rateLimiter', {
  init: (perSecond, burst) => ({ perSecond, burst, buckets: {} }),

  // A generator: it waits for the store's reply while the other processes run.
  *handleCall([client, ...request], _from, state) {
    const now = performance.now();
    const bucket = state.buckets[client] ?? { tokens: state.burst, at: now };
    const tokens = Math.min(state.burst, bucket.tokens + ((now - bucket.at) / 1000) * state.perSecond);
    if (tokens < 1) return ['reply', 'rate_limited', withBucket(state, client, { tokens, at: now })];
    const next = withBucket(state, client, { tokens: tokens - 1, at: now });
    try {
      return ['reply', yield* call('kv', request, 1000), next];
    } catch (error) {
      // The store is down or slow: the client hears so, and the limiter carries on.
      if (!CallError.isInstance(error)) throw error;
      return ['reply', 'unavailable', next];
    }
  },
});

const withBucket = (state, client, bucket) => ({ ...state, buckets: { ...state.buckets, [client]: bucket } });
