import cliProgress from 'cli-progress';
import { formatNumber, formatRatio, messageOf } from './format.js';
import type { CaseFailure, CaseResult } from './result.js';

/**
 * Reports where the run is. The total grows as suites are loaded: a suite's cases are built only
 * right before it runs, so that its setup does not weigh on the suites before it.
 */
export interface Progress {
  /** A suite about to run has `count` cases. */
  addCases(count: number): void;
  /** `caseName` of `suite` is being measured. */
  caseStarted(suite: string, caseName: string): void;
  /** A case finished, measured or failed. */
  caseFinished(suite: string, outcome: CaseResult | CaseFailure): void;
  /** Removes the bar, before the results are printed. */
  stop(): void;
}

/** A bar on an interactive terminal; one plain line per finished case otherwise (CI logs, pipes, files). */
export function createProgress(stream: NodeJS.WriteStream = process.stdout): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream);
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{bar} {value}/{total} cases | {duration_formatted} | {current}',
      barsize: 20,
      clearOnComplete: true,
      // Trim to the terminal width: a wrapped line could not be redrawn in place.
      linewrap: true,
      // No SIGINT handler: cli-progress's would swallow the first Ctrl-C instead of ending the run.
      gracefulExit: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let total = 0;
  let done = 0;
  return {
    addCases(count) {
      total += count;
      if (bar.isActive) bar.setTotal(total);
      else bar.start(total, 0, { current: '' });
    },
    caseStarted(suite, caseName) {
      bar.update(done, { current: `${suite} › ${caseName}` });
      // Timed calls run back to back without yielding to the event loop, so the bar's own
      // refresh timer would not fire until the case is done: draw the new label now.
      bar.render();
    },
    caseFinished() {
      done++;
      bar.update(done);
    },
    stop() {
      bar.stop();
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream): Progress {
  let total = 0;
  let done = 0;
  return {
    addCases(count) {
      total += count;
    },
    caseStarted() {},
    caseFinished(suite, outcome) {
      done++;
      stream.write(`[${done}/${total}] ${suite} › ${outcome.name}: ${describe(outcome)}\n`);
    },
    stop() {},
  };
}

function describe(outcome: CaseResult | CaseFailure): string {
  if ('error' in outcome) return `failed: ${messageOf(outcome.error)}`;
  const { ours, baseline, unit, ratio } = outcome;
  return `ours ${formatNumber(ours)} ${unit}, baseline ${formatNumber(baseline)} ${unit}, ${formatRatio(ratio)}`;
}
