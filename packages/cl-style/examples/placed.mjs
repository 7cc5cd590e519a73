// The example's worker that can run on any core: defined at module level, so another core can
// import this module and start it there.
import { processInfo } from '@beamish/actors';
import { _, defworker, receive, self } from '@beamish/cl-style';

/**
 * Adds one to what it is sent — the `n` of a box, or the first number of a view on shared memory —
 * and says what it made of it and which core it ran on.
 */
export const bumper = defworker(
  'bumper',
  { module: import.meta.url },
  receive([
    _,
    function* (sent) {
      const n = ArrayBuffer.isView(sent) ? Atomics.add(sent, 0, 1) + 1 : ++sent.n;
      const info = yield* processInfo(self());
      return { n, core: info?.core };
    },
  ]),
);
