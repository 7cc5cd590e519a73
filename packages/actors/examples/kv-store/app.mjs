// The supervision tree: the store first, then the limiter that depends on it. restForOne: when the
// store crashes, the limiter (started after it) is restarted with it; when the limiter crashes,
// only the limiter is.
import { defineSupervisor } from '@beamish/actors';
import { rateLimiter } from './limiter.mjs';
import { kvStore } from './store.mjs';

export const kvApp = defineSupervisor(import.meta.url, 'kvApp', ({ capacity, perSecond, burst }) => ({
  strategy: 'restForOne',
  intensity: 3,
  periodMs: 5000,
  children: [
    // On the other core: the limiter's calls to it cross cores.
    { id: 'store', start: [kvStore, [capacity], { name: 'kv', affinity: 1 }] },
    { id: 'limiter', start: [rateLimiter, [perSecond, burst], { name: 'limiter' }] },
  ],
}));
