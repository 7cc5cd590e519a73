import type { Unit } from './suite.js';

/** Milliseconds per unit, for the time units (tinybench reports latencies in ms). */
const MS_PER_UNIT = { 'ns/op': 1e-6, 'µs/op': 1e-3, 'ms/op': 1 } as const;

/** True for the throughputs (`ops/s`, `items/s`), where a higher median is better; false for the time units. */
function higherIsBetter(unit: Unit): unit is 'ops/s' | 'items/s' {
  return unit === 'ops/s' || unit === 'items/s';
}

/** Converts a median latency of one operation, in ms, to `unit`. */
export function fromMsPerOp(msPerOp: number, unit: Unit): number {
  return higherIsBetter(unit) ? 1000 / msPerOp : msPerOp / MS_PER_UNIT[unit];
}

/**
 * Ours vs baseline, oriented so that > 1 always means beamish is faster:
 * baseline ÷ ours for time units, ours ÷ baseline for throughputs.
 */
export function ratioOf(ours: number, baseline: number, unit: Unit): number {
  return higherIsBetter(unit) ? ours / baseline : baseline / ours;
}

/** The unit without `/op`, for absolute bounds such as `≤ 20 µs`. */
export function shortUnit(unit: Unit): string {
  return unit.replace('/op', '');
}
