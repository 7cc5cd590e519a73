#!/usr/bin/env node
/**
 * `npm run bench -- [suite ...] [--quick] [--json FILE] [--list] [--help]`
 *
 * Exit codes: 0 when every case was measured (missed targets are reported, not failures),
 * 1 when a suite or case failed, 2 for a bad command line.
 *
 * @packageDocumentation
 */
import { availableParallelism } from 'node:os';
import { inspect } from 'node:util';
import { type CliArgs, parseCliArgs, USAGE, UsageError } from './args.js';
import { budgetFor } from './budget.js';
import { messageOf } from './format.js';
import { writeJson } from './json.js';
import { createProgress } from './progress.js';
import { renderSuite } from './report.js';
import type { SuiteResult } from './result.js';
import { loadSuite, runSuites } from './run-suites.js';
import { suites } from './suites/index.js';

// Stack traces from suites then point into their TypeScript sources (tsup emits source maps).
process.setSourceMapsEnabled(true);

async function main(argv: string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.list) return listSuites();
  return runBench(args);
}

async function runBench(args: CliArgs): Promise<number> {
  const names = selectSuites(args.suites);
  const budget = budgetFor(args.quick);
  console.log(
    `beamish bench: ${names.join(', ')} | node ${process.version}, ${availableParallelism()} cpus` +
      (args.quick ? ' | --quick: smoke run, numbers are rough' : ''),
  );

  const progress = createProgress();
  let results: SuiteResult[];
  try {
    results = await runSuites(names, { quick: args.quick, budget, progress });
  } finally {
    progress.stop();
  }

  console.log();
  for (const result of results) console.log(renderSuite(result, { rounds: budget.rounds }));

  let failed = false;
  for (const result of results) {
    for (const { name, error } of result.failures) {
      failed = true;
      console.error(`${result.suite} › ${name} failed: ${detail(error)}\n`);
    }
    if (result.error !== undefined) {
      failed = true;
      console.error(`${result.suite} failed: ${detail(result.error)}\n`);
    }
  }

  if (args.json !== undefined) {
    const path = await writeJson(args.json, results);
    console.log(`Wrote ${path}${failed ? ' (failed cases are not in it)' : ''}`);
  }
  return failed ? 1 : 0;
}

/**
 * A failure's message and the stack of what the suite threw: case errors wrap it as `cause`, and
 * the wrapper's own stack only shows the harness.
 */
function detail(error: unknown): string {
  if (!(error instanceof Error)) return inspect(error);
  return error.cause === undefined ? inspect(error) : `${error.message}\n${inspect(error.cause)}`;
}

/** The suites to run, in the order given (all when none is named), each once. */
function selectSuites(requested: string[]): string[] {
  const known = Object.keys(suites);
  if (requested.length === 0) return known;
  const unknown = requested.filter((name) => !Object.hasOwn(suites, name));
  if (unknown.length > 0) {
    const which = unknown.map((name) => `'${name}'`).join(', ');
    throw new UsageError(
      `unknown suite${unknown.length > 1 ? 's' : ''} ${which}; known suites: ${known.join(', ')}`,
    );
  }
  return [...new Set(requested)];
}

/** Prints each suite with its description; loading them is the only way to get the descriptions. */
async function listSuites(): Promise<number> {
  let status = 0;
  for (const name of Object.keys(suites)) {
    try {
      const suite = await loadSuite(name);
      console.log(`${name.padEnd(16)} ${suite.description}`);
    } catch (error) {
      status = 1;
      console.log(`${name.padEnd(16)} (failed to load: ${messageOf(error)})`);
    }
  }
  return status;
}

main(process.argv.slice(2)).then(
  (code) => {
    // exitCode rather than exit(): lets stdout drain when it is a pipe.
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}\n\n${USAGE}`);
      process.exitCode = 2;
    } else {
      console.error(inspect(error));
      process.exitCode = 1;
    }
  },
);
