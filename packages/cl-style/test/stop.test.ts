/**
 * A handle settles however its worker's system ends: stopped before the worker had a slice, or while
 * it waits.
 */
import { start } from '@beamish/actors';
import { expect, it, vi } from 'vitest';
import { receive, withWorker } from '../dist/index.js';

it("rejects with 'shutdown' when the system stops before the worker's first slice, or while it waits", async () => {
  let system = await start({ schedulers: 1 });
  const early = withWorker({}, () => 42);
  await system.stop();
  await expect(early).rejects.toMatchObject({ reason: 'shutdown' });

  system = await start({ schedulers: 1 });
  const waiting = withWorker({}, receive([() => true, () => 'never']));
  // Stopped once it waits in the receive, however late its first slice runs on a loaded machine.
  await vi.waitFor(async () => expect((await system.processInfo(waiting.pid))?.status).toBe('waiting'), {
    timeout: 10_000,
  });
  await system.stop();
  await expect(waiting).rejects.toMatchObject({ reason: 'shutdown' });
});
