// `npm run demo`: the system on its default configuration (one scheduler per core), layer by
// layer — each part is one of the packages' examples, run as it is (each is also run by the tests).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const parts = [
  ['@beamish/scheduler: placement, rebalancing and a worker crash', 'packages/scheduler/examples/demo.mjs'],
  [
    '@beamish/actors: a supervised key-value store behind a rate limiter',
    'packages/actors/examples/kv-store/main.mjs',
  ],
  ["@beamish/cl-style: the proposal's WITH-WORKER", 'packages/cl-style/examples/proposal.mjs'],
];

for (const [i, [title, path]] of parts.entries()) {
  console.log(`\n=== ${i + 1}/${parts.length} ${title} (${path})\n`);
  const { status } = spawnSync(process.execPath, [fileURLToPath(new URL(`../${path}`, import.meta.url))], {
    stdio: 'inherit',
  });
  if (status !== 0) process.exit(status ?? 1);
}
