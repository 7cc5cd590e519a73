/**
 * A worker's dynamic extent, like WITH-OPEN-FILE: however it ends — its last form, an error, a kill,
 * its heap limit — the cleanup forms of its `unwindProtect`s run (as the worker: `self()` is its
 * pid), its heap goes back to the pool, its name is freed, and its link and monitor hear the reason.
 */
import {
  type ActorSystem,
  exit,
  heap,
  isAlive,
  on,
  type Pid,
  receive as receiveMessage,
  start,
  trapExit,
  whereis,
} from '@beamish/actors';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  _,
  ExitSignal,
  loop,
  progn,
  receive,
  self,
  send,
  unwindProtect,
  type WorkerHandle,
  withWorker,
} from '../dist/index.js';

let system: ActorSystem;
beforeAll(async () => {
  system = await start({ schedulers: 1 });
});
afterAll(() => system.stop());

const failure = new Error('failed in a form');

/** Each way a worker can end: what the observer does once the worker is running, and what follows. */
const endings = [
  { how: 'ends with its last form', end: (w: Pid) => send(w, 'return'), reason: 'normal' },
  { how: 'throws', end: (w: Pid) => send(w, 'throw'), reason: failure },
  { how: 'is killed from another process', end: (w: Pid) => exit(w, 'kill'), reason: 'killed' },
  { how: 'passes its maxHeapSize', end: (w: Pid) => send(w, 'hog'), reason: 'max_heap_size' },
] as const;

describe.each(endings)('a worker that $how', ({ end, reason }) => {
  it('runs its cleanup forms as itself, gives its heap back, frees its name and tells its link and monitor', async () => {
    const cleanedUpAs: Pid[] = [];
    let firstBlock: Uint8Array | undefined;
    let worker: WorkerHandle<unknown> | undefined;
    // The observer links to and monitors the worker, trapping exits so that the link's signal
    // arrives as a message.
    const [exitMessage, downMessage] = await system.run(function* () {
      trapExit(true);
      const observer = self();
      worker = withWorker(
        { name: 'extent', link: true, monitor: true, maxHeapSize: 64 * 1024 },
        unwindProtect(
          progn(
            () => {
              firstBlock = heap().u8(16);
              send(observer, 'ready');
            },
            receive(
              ['return', () => 'returned'],
              [
                'throw',
                () => {
                  throw failure;
                },
              ],
              ['hog', loop(() => heap().f64(1024))],
            ),
          ),
          () => cleanedUpAs.push(self()),
        ),
      );
      const { pid, ref } = worker;
      yield* receiveMessage(on('ready'));
      expect(whereis('extent')).toBe(pid);
      end(pid);
      return [
        yield* receiveMessage(on(['EXIT', pid, _])),
        yield* receiveMessage(on(['DOWN', ref, 'process', pid, _])),
      ] as const;
    });
    const { pid } = worker as WorkerHandle<unknown>;
    expect(exitMessage).toEqual(['EXIT', pid, reason]);
    expect(downMessage[4]).toEqual(reason);
    expect(cleanedUpAs).toEqual([pid]);
    expect(isAlive(pid)).toBe(false);
    expect(whereis('extent')).toBeUndefined();
    // The pool hands out the block it was given back last: the next heap starts where this one did.
    const next = await withWorker({}, () => heap().u8(16));
    expect(next.buffer).toBe(firstBlock?.buffer);
    expect(next.byteOffset).toBe(firstBlock?.byteOffset);
    if (reason === 'normal') expect(await worker).toBe('returned');
    else if (reason === failure) await expect(worker).rejects.toBe(failure);
    else await expect(worker).rejects.toEqual(new ExitSignal(reason));
  });
});

describe('cleanup forms', () => {
  it('run in order, inner before outer, and may take slices when the worker ends by itself', async () => {
    const seen: string[] = [];
    const value = await withWorker(
      {},
      unwindProtect(
        unwindProtect(
          () => 'protected value',
          function* () {
            seen.push('inner a');
            yield;
            seen.push('inner b');
          },
          () => seen.push('inner c'),
        ),
        () => seen.push('outer'),
      ),
    );
    expect(value).toBe('protected value');
    expect(seen).toEqual(['inner a', 'inner b', 'inner c', 'outer']);
  });

  it('run at once when the worker is ended from outside: a plain form in full, a generator form to its first yield', async () => {
    const seen: string[] = [];
    let running = false;
    const worker = withWorker(
      {},
      unwindProtect(
        progn(() => {
          running = true;
        }, receive()),
        function* () {
          try {
            seen.push(`generator as ${self() === worker.pid}`);
            yield;
            seen.push('after its yield');
          } finally {
            seen.push('its finally');
          }
        },
        () => seen.push('plain'),
      ),
    );
    await vi.waitFor(() => expect(running).toBe(true), { timeout: 10_000 });
    exit(worker.pid, 'kill'); // from outside any process
    expect(seen).toEqual(['generator as true', 'its finally', 'plain']);
    await expect(worker).rejects.toMatchObject({ reason: 'killed' });
  });

  it('after one that waits still run when the worker ends itself meanwhile (a kill of itself, its heap limit)', async () => {
    const seen: string[] = [];
    const cleanup = (tag: string) => [
      function* () {
        seen.push(`${tag}: waits`);
        yield;
        seen.push(`${tag}: never resumed`);
      },
      () => seen.push(`${tag}: next form`),
    ];
    const hog = withWorker(
      { maxHeapSize: 64 * 1024 },
      unwindProtect(
        loop(() => {
          heap().f64(1024);
        }),
        ...cleanup('heap'),
      ),
    );
    await expect(hog).rejects.toMatchObject({ reason: 'max_heap_size' });
    const suicide = withWorker(
      {},
      unwindProtect(
        () => {
          exit(self(), 'kill');
        },
        ...cleanup('kill'),
      ),
    );
    await expect(suicide).rejects.toMatchObject({ reason: 'killed' });
    expect(seen).toEqual(['heap: waits', 'heap: next form', 'kill: waits', 'kill: next form']);
  });

  it('do not run for an unwindProtect the worker never entered', async () => {
    const seen: string[] = [];
    const worker = withWorker(
      {},
      receive(),
      unwindProtect(
        () => 'never',
        () => seen.push('cleanup'),
      ),
    );
    // Killed while it waits in the receive, before the unwindProtect (not before its first slice).
    await vi.waitFor(async () => expect((await system.processInfo(worker.pid))?.status).toBe('waiting'), {
      timeout: 10_000,
    });
    exit(worker.pid, 'kill');
    await expect(worker).rejects.toMatchObject({ reason: 'killed' });
    expect(seen).toEqual([]);
  });
});
