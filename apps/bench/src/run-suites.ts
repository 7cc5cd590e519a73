import type { Budget } from './budget.js';
import type { Progress } from './progress.js';
import { type CaseFailure, type CaseResult, caseResult, type SuiteResult } from './result.js';
import { runCase } from './run-case.js';
import type { Suite } from './suite.js';
import { suites } from './suites/index.js';

/** How to run the selected suites. */
export interface RunOptions {
  quick: boolean;
  budget: Budget;
  progress: Progress;
}

/**
 * Runs the named (registered) suites one after another. A suite is loaded and its cases built only
 * when its turn comes, and disposed before the next one starts, so one suite's setup (pools, workers)
 * never weighs on another's numbers. Failures are recorded in the results, never thrown.
 */
export async function runSuites(names: string[], options: RunOptions): Promise<SuiteResult[]> {
  const results: SuiteResult[] = [];
  for (const name of names) results.push(await runSuite(name, options));
  return results;
}

async function runSuite(name: string, { quick, budget, progress }: RunOptions): Promise<SuiteResult> {
  const result: SuiteResult = { suite: name, description: '', cases: [], failures: [] };
  let suite: Suite;
  try {
    suite = await loadSuite(name);
    result.description = suite.description;
  } catch (error) {
    result.error = error;
    return result;
  }

  try {
    const cases = await suite.cases({ quick });
    progress.addCases(cases.length);
    for (const benchCase of cases) {
      progress.caseStarted(name, benchCase.name);
      let outcome: CaseResult | CaseFailure;
      try {
        const measured = await runCase(benchCase, budget);
        outcome = caseResult(benchCase, measured.ours, measured.baseline, measured.notes);
        result.cases.push(outcome);
      } catch (error) {
        outcome = { name: benchCase.name, error };
        result.failures.push(outcome);
      }
      progress.caseFinished(name, outcome);
    }
  } catch (error) {
    result.error = error;
  } finally {
    try {
      await suite.dispose?.();
    } catch (error) {
      result.error ??= error;
    }
  }
  return result;
}

/** Imports a registered suite and checks that it calls itself by its registered name. */
export async function loadSuite(name: string): Promise<Suite> {
  const load = suites[name];
  if (!load) throw new Error(`no suite named '${name}'`);
  const suite = await load();
  if (suite?.name !== name) {
    throw new Error(`suite registered as '${name}' calls itself '${String(suite?.name)}'`);
  }
  return suite;
}
