/**
 * What running `body` inside a process throws (`yield* thrown(call(…))`); a body that returns fails
 * the test, so an expected error can never be missed.
 */
export function* thrown(body: { [Symbol.iterator](): Generator<unknown, unknown, unknown> }) {
  try {
    yield* body;
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not throw');
}
