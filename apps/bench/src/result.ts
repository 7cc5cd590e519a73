import type { BenchCase, Unit } from './suite.js';
import { ratioOf } from './units.js';

/** The measured outcome of one case, as reported in the table and the JSON file. */
export interface CaseResult {
  /** {@link BenchCase.name}. */
  name: string;
  unit: Unit;
  /** Median of ours, in `unit`. */
  ours: number;
  /** Median of the baseline, in `unit`. */
  baseline: number;
  baselineName: string;
  /** > 1 means beamish is faster; see {@link ratioOf}. */
  ratio: number;
  target?: NonNullable<BenchCase['target']>;
  /** Whether every bound of `target` is met; absent without a target. */
  targetMet?: boolean;
  /** Caveats about the measurement (e.g. timer saturation), shown under the table. */
  notes: string[];
  /** {@link BenchCase.metrics}, read after the case was measured; absent when the case has none. */
  metrics?: Record<string, number>;
}

/** A case that could not be measured. */
export interface CaseFailure {
  name: string;
  error: unknown;
}

/** Everything one suite produced. `error` is set when the suite itself failed (import, setup or dispose). */
export interface SuiteResult {
  suite: string;
  description: string;
  cases: CaseResult[];
  failures: CaseFailure[];
  error?: unknown;
}

/** Whether `ratio` satisfies `target.minRatio`; undefined when there is no such bound. */
export function minRatioMet(result: Pick<CaseResult, 'ratio' | 'target'>): boolean | undefined {
  const min = result.target?.minRatio;
  return min === undefined ? undefined : result.ratio >= min;
}

/** Whether `ours` satisfies `target.maxOurs`; undefined when there is no such bound. */
export function maxOursMet(result: Pick<CaseResult, 'ours' | 'target'>): boolean | undefined {
  const max = result.target?.maxOurs;
  return max === undefined ? undefined : result.ours <= max;
}

/** Builds the result of a case from its two medians (already in the case's unit). */
export function caseResult(
  benchCase: BenchCase,
  ours: number,
  baseline: number,
  notes: string[],
): CaseResult {
  const result: CaseResult = {
    name: benchCase.name,
    unit: benchCase.unit,
    ours,
    baseline,
    baselineName: benchCase.baselineName,
    ratio: ratioOf(ours, baseline, benchCase.unit),
    notes,
  };
  const target = benchCase.target;
  if (target && (target.minRatio !== undefined || target.maxOurs !== undefined)) {
    result.target = target;
    result.targetMet = minRatioMet(result) !== false && maxOursMet(result) !== false;
  }
  const metrics = benchCase.metrics?.();
  if (metrics) result.metrics = metrics;
  return result;
}
