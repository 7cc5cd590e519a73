/**
 * A handle settles however its worker's system ends: stopped before the worker had a slice, or while
 * it waits.
 */
import { start } from '@beamish/actors';
import { expect, it } from 'vitest';
import { receive, withWorker } from '../dist/index.js';

it("rejects with 'shutdown' when the system stops before the worker's first slice, or while it waits", async () => {
  let system = await start({ schedulers: 1 });
  const early = withWorker({}, () => 42);
  await system.stop();
  await expect(early).rejects.toMatchObject({ reason: 'shutdown' });

  system = await start({ schedulers: 1 });
  const waiting = withWorker({}, receive([() => true, () => 'never']));
  await new Promise((resolve) => setTimeout(resolve, 20));
  await system.stop();
  await expect(waiting).rejects.toMatchObject({ reason: 'shutdown' });
});
