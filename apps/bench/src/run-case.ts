import { Bench, type FnOptions } from 'tinybench';
import type { Budget } from './budget.js';
import { messageOf } from './format.js';
import type { BenchCase } from './suite.js';
import { fromMsPerOp } from './units.js';

/** Which function of a case is being timed. */
type Side = 'ours' | 'baseline';

/** One side of a case, ready to hand to tinybench. */
interface SideSpec {
  side: Side;
  fn: () => unknown;
  beforeEach: (() => unknown) | undefined;
  /** Decided by our own probe call, so tinybench does not detect it by calling `fn` without its hook. */
  async: boolean;
}

/** The medians of both sides of a case, in the case's unit, and any caveats about them. */
export interface CaseMeasurement {
  ours: number;
  baseline: number;
  notes: string[];
}

/**
 * Measures both sides of a case with tinybench, interleaved so that background load on a shared
 * machine hits both alike: one unreported warm-up round, then `budget.rounds` rounds that each time
 * ours and the baseline back to back, alternating which goes first. Each side's result is the median
 * of its per-round medians, divided by `opsPerCall` and converted to the case's unit.
 *
 * @throws when a side throws (the message says which side) or `opsPerCall` is not a positive number.
 */
export async function runCase(benchCase: BenchCase, budget: Budget): Promise<CaseMeasurement> {
  const opsPerCall = benchCase.opsPerCall ?? 1;
  if (!(opsPerCall > 0 && Number.isFinite(opsPerCall))) {
    throw new Error(`opsPerCall must be a positive number, got ${opsPerCall}`);
  }
  const ours = await probe('ours', benchCase.ours, benchCase.beforeEachOurs);
  const baseline = await probe('baseline', benchCase.baseline, benchCase.beforeEachBaseline);
  const notes = new Set<string>();

  await runRound([ours, baseline], budget, notes);
  const medians: Record<Side, number[]> = { ours: [], baseline: [] };
  for (let round = 0; round < budget.rounds; round++) {
    // Alternating the order cancels any advantage of running first (or second) in a round.
    const order = round % 2 === 0 ? [ours, baseline] : [baseline, ours];
    const roundMedians = await runRound(order, budget, notes);
    medians.ours.push(roundMedians.ours);
    medians.baseline.push(roundMedians.baseline);
  }

  const oursMs = median(medians.ours) / opsPerCall;
  const baselineMs = median(medians.baseline) / opsPerCall;
  for (const [side, ms] of [['ours', oursMs] as const, ['baseline', baselineMs] as const]) {
    if (ms === 0) notes.add(`${side}: median is 0 after subtracting the timer's own cost; raise opsPerCall`);
  }
  return {
    ours: fromMsPerOp(oursMs, benchCase.unit),
    baseline: fromMsPerOp(baselineMs, benchCase.unit),
    notes: [...notes],
  };
}

/**
 * Calls a side once, after its hook, to find out whether it is async and to fail fast with a clear
 * message. tinybench would otherwise call `fn` once for async detection without running the hook.
 */
async function probe(
  side: Side,
  fn: () => unknown,
  beforeEach: (() => unknown) | undefined,
): Promise<SideSpec> {
  try {
    await beforeEach?.();
    const returned = fn();
    const isAsync = fn.constructor.name === 'AsyncFunction' || isThenable(returned);
    await returned;
    return { side, fn, beforeEach, async: isAsync };
  } catch (error) {
    throw sideError(side, error);
  }
}

/** Times each side once, in `order`, in one Bench; returns each side's median latency per call, in ms. */
async function runRound(
  order: SideSpec[],
  budget: Budget,
  notes: Set<string>,
): Promise<Record<Side, number>> {
  const bench = new Bench({
    // Never the binding limits: timed time cannot exceed wall time, so the wall-clock cap in
    // taskOptions always ends a side first, after at least one sample.
    time: budget.roundTime,
    iterations: 1,
    // The rounds warm up instead: tinybench's warm-up counts only timed calls against its budget, so
    // with a costly hook it could run for minutes, and it cannot be cut short without aborting the task.
    warmup: false,
    timestampProvider: 'hrtimeNow',
    // Both sides share this Bench and so the same estimate of the timer's cost (~40 ns with hrtime),
    // which would otherwise pull every ratio towards 1 for fast operations.
    subtractTimerOverhead: true,
  });
  bench.addEventListener('warning', (event) => {
    // One note per side, whatever the reason (zero-dominated, low-distinct, zero-mad) or round.
    notes.add(
      `${event.task.name}: calls too short for the timer (tinybench: timer-saturated); raise opsPerCall`,
    );
  });
  for (const spec of order) bench.add(spec.side, spec.fn, taskOptions(spec, budget));
  await bench.run();

  const medians: Partial<Record<Side, number>> = {};
  for (const task of bench.tasks) {
    const result = task.result;
    const side = task.name as Side;
    if (result.state === 'completed' || result.state === 'aborted-with-statistics') {
      medians[side] = result.latency.p50;
    } else if (result.state === 'errored') {
      throw sideError(side, result.error);
    } else {
      throw new Error(`${side}: tinybench ended in state '${result.state}'`);
    }
  }
  return medians as Record<Side, number>;
}

/**
 * Hooks of one task. tinybench runs `beforeEach`/`afterEach` outside the timed window and outside
 * the `time` budget, so `afterEach` enforces a wall-clock cap of `roundTime` by aborting the task,
 * which keeps the samples taken so far (state `aborted-with-statistics`). Both sides thus get the
 * same wall-clock time per round, whatever their hooks cost.
 */
function taskOptions(spec: SideSpec, budget: Budget): FnOptions {
  const controller = new AbortController();
  let deadline = Number.POSITIVE_INFINITY;
  const options: FnOptions = {
    async: spec.async,
    signal: controller.signal,
    beforeAll: () => {
      deadline = performance.now() + budget.roundTime;
    },
    afterEach: () => {
      if (performance.now() > deadline) controller.abort();
    },
  };
  const hook = spec.beforeEach;
  if (hook) {
    options.beforeEach = async () => {
      await hook();
    };
  }
  return options;
}

/** Prefixes an error from a case's function with the side it came from, keeping the original as `cause`. */
function sideError(side: Side, error: unknown): Error {
  return new Error(`${side}: ${messageOf(error)}`, { cause: error });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** Median of a non-empty list (mean of the middle two for an even count). */
function median(values: number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
