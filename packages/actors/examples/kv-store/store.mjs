// The key-value store: a gen_server whose state is a plain object of keys, started on any core.
import { defineServer } from '@beamish/actors';

export const kvStore = defineServer(import.meta.url, 'kvStore', {
  init: (capacity) => ({ capacity, data: {} }),

  handleCall(request, _from, state) {
    switch (request[0]) {
      case 'get':
        return ['reply', state.data[request[1]], state];
      case 'put': {
        const [, key, value] = request;
        if (!(key in state.data) && Object.keys(state.data).length >= state.capacity)
          return ['reply', 'full', state];
        // A new state each time: the old one is never changed under anybody's feet.
        return ['reply', 'ok', { ...state, data: { ...state.data, [key]: value } }];
      }
      case 'poison':
        // Let it crash: the supervisor starts a fresh store.
        throw new Error('poisoned');
      default:
        return ['reply', 'bad_request', state];
    }
  },
});
