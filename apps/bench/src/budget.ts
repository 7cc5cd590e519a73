/** How long each case is measured. */
export interface Budget {
  /**
   * Measured rounds per case. Each round times ours and the baseline back to back (order alternating
   * between rounds); the reported median is the median of the per-round medians. Odd, so that
   * median is one real round.
   */
  rounds: number;
  /**
   * Wall-clock time of one side in one round, in ms, hooks included. tinybench's own `time` budget
   * counts timed calls only, so a case with a 1 ms hook and a 100 ns call would run ~10,000× longer
   * than its budget; the runner cuts each side off at this wall-clock time instead.
   */
  roundTime: number;
}

/**
 * `quick`: a smoke run, about 0.1 s per case. Default: 7 × 120 ms ≈ 0.85 s per side per case, plus
 * one unreported warm-up round.
 */
export function budgetFor(quick: boolean): Budget {
  return quick ? { rounds: 3, roundTime: 15 } : { rounds: 7, roundTime: 120 };
}
