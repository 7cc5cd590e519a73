/**
 * The single-threaded actor library the actors suite compares with on one core: nact
 * (https://nact.xyz), an Akka-style actor system for Node.js. Each workload here is the same as the
 * beamish one next to it.
 */
import { dispatch, spawnStateless, start, stop } from 'nact';

type NactSystem = ReturnType<typeof start>;
type NactRef = ReturnType<typeof spawnStateless>;

export class NactBaseline {
  readonly #system: NactSystem = start();
  /**
   * Actors made so far: every actor is named after the count, because nact's random default names
   * collide within a few thousand actors (the ring of 10,000 failed that way now and then).
   */
  #made = 0;
  readonly #ponger: NactRef = spawnStateless(
    this.#system,
    (message: { from: NactRef; n: number }) => dispatch(message.from, message.n),
    this.#name('ponger'),
  );

  /** A name no other actor of this system has. */
  #name(kind: string): string {
    return `${kind}-${this.#made++}`;
  }

  /** `count` round trips between two actors. */
  pingPong(count: number): Promise<void> {
    return new Promise((resolve) => {
      const ponger = this.#ponger;
      const pinger: NactRef = spawnStateless(
        this.#system,
        (n: number, context: { self: NactRef }) => {
          if (n + 1 >= count) {
            stop(pinger);
            resolve();
          } else dispatch(ponger, { from: context.self, n: n + 1 });
        },
        this.#name('pinger'),
      );
      dispatch(ponger, { from: pinger, n: 0 });
    });
  }

  /** A ring of `size` actors, made once; `pass(hops)` sends a token round it for `hops` hops. */
  ring(size: number): (hops: number) => Promise<void> {
    let done: () => void = () => {};
    // Each actor passes the token to the one made before it; the first closes the ring with the last.
    let last: NactRef | undefined;
    for (let i = 0; i < size; i++) {
      const before = last;
      last = spawnStateless(
        this.#system,
        (hops: number) => {
          if (hops === 0) done();
          else dispatch(before ?? (last as NactRef), hops - 1);
        },
        this.#name('ring'),
      );
    }
    const head = last as NactRef;
    return (hops) =>
      new Promise((resolve) => {
        done = resolve;
        dispatch(head, hops);
      });
  }

  /** `count` idle actors, to weigh; returns what stops them. */
  idle(count: number): () => void {
    const actors = Array.from({ length: count }, () =>
      spawnStateless(this.#system, () => {}, this.#name('idle')),
    );
    return () => {
      for (const actor of actors) stop(actor);
    };
  }

  stop(): void {
    stop(this.#system);
  }
}
