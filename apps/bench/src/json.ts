import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { SuiteResult } from './result.js';

/**
 * Resolves a user-given path against the directory the user ran the command from. `npm run` starts
 * root scripts in the workspace root but keeps the original directory in `INIT_CWD`.
 */
function resolveUserPath(file: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), file);
}

/**
 * Writes the measured cases as `{ node, cpus, date, suites: [{ suite, cases: [...] }] }` (a case with
 * metrics also gets `metrics`) and returns the absolute path written. Failed cases are left out (the
 * run then exits non-zero).
 */
export async function writeJson(file: string, results: SuiteResult[]): Promise<string> {
  const path = resolveUserPath(file);
  const report = {
    node: process.version,
    cpus: availableParallelism(),
    date: new Date().toISOString(),
    suites: results.map((result) => ({
      suite: result.suite,
      cases: result.cases.map(
        ({ name, unit, ours, baseline, baselineName, ratio, target, targetMet, metrics }) => ({
          name,
          unit,
          ours,
          baseline,
          baselineName,
          ratio,
          ...(target && { target, targetMet }),
          ...(metrics && { metrics }),
        }),
      ),
    })),
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
  return path;
}
