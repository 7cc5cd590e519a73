// The example's workers that can run on any core: defined at module level, so another core can
// import this module and start them there.
import { processInfo } from '@beamish/actors';
import { _, defworker, receive, self } from '@beamish/cl-style';

/** Bumps the `n` of the box it is sent, and says what it saw and which core it ran on. */
export const bumper = defworker(
  'bumper',
  { module: import.meta.url },
  receive([
    _,
    function* (box) {
      const info = yield* processInfo(self());
      return { n: ++box.n, core: info?.core };
    },
  ]),
);
