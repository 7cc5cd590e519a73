import Table from 'cli-table3';
import { formatMetrics, formatNumber, formatRatio, formatTarget, messageOf } from './format.js';
import type { SuiteResult } from './result.js';

const HEAD = ['case', 'unit', 'ours', 'baseline', 'baseline name', 'ratio', 'target'];

/** What the footer says about how the numbers were obtained. */
export interface ReportContext {
  /** Measured rounds per case. */
  rounds: number;
}

/** Renders one suite as a heading, a results table and its notes; ends with a newline. */
export function renderSuite(result: SuiteResult, context: ReportContext): string {
  const heading = result.description ? `${result.suite} — ${result.description}` : result.suite;
  if (result.error !== undefined && result.cases.length === 0 && result.failures.length === 0) {
    return `${heading}\n  suite failed: ${messageOf(result.error)}\n`;
  }

  const table = new Table({
    head: HEAD,
    colAligns: ['left', 'left', 'right', 'right', 'left', 'right', 'left'],
    // Plain text: the same output is read on terminals, in CI logs and in files.
    style: { head: [], border: [] },
    wordWrap: true,
  });
  for (const c of result.cases) {
    table.push([
      c.name,
      c.unit,
      formatNumber(c.ours),
      formatNumber(c.baseline),
      c.baselineName,
      formatRatio(c.ratio),
      formatTarget(c),
    ]);
  }
  for (const f of result.failures) {
    table.push([f.name, '', { colSpan: HEAD.length - 2, content: `failed: ${messageOf(f.error)}` }]);
  }
  table.push([
    {
      colSpan: HEAD.length,
      // Two short lines: a colSpan cell wider than the columns would widen the whole table.
      content:
        `ratio > 1 means beamish is faster (time units: baseline ÷ ours; per second: ours ÷ baseline).\n` +
        `Medians of ${context.rounds} interleaved rounds of ours and baseline.`,
    },
  ]);

  const lines = [heading, table.toString()];
  for (const c of result.cases) {
    if (c.metrics) lines.push(`  ${c.name}: ${formatMetrics(c.metrics)}`);
  }
  for (const c of result.cases) {
    for (const note of c.notes) lines.push(`  note: ${c.name} — ${note}`);
  }
  if (result.error !== undefined) lines.push(`  suite failed: ${messageOf(result.error)}`);
  return `${lines.join('\n')}\n`;
}
