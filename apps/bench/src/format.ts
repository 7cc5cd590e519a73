import { type CaseResult, maxOursMet, minRatioMet } from './result.js';
import { shortUnit } from './units.js';

/** 3 significant digits with thousands separators: 1,230,000 · 52.3 · 0.000123. */
const threeDigits = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

/** Formats a median or a bound for the table. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  return threeDigits.format(value);
}

/** Formats a case's metrics as e.g. `LMSQueue CAS fails/op 0.0123, MSQueue CAS fails/op 0.0456`. */
export function formatMetrics(metrics: Record<string, number>): string {
  return Object.entries(metrics)
    .map(([name, value]) => `${name} ${formatNumber(value)}`)
    .join(', ');
}

/** Formats a ratio as e.g. `52.3×`. */
export function formatRatio(ratio: number): string {
  return `${formatNumber(ratio)}×`;
}

/** Formats the target column, e.g. `≥ 20× ✓` or `≥ 20× ✓, ≤ 20 µs ✗`; empty without a target. */
export function formatTarget(result: CaseResult): string {
  const parts: string[] = [];
  const ratioOk = minRatioMet(result);
  if (ratioOk !== undefined) parts.push(`≥ ${formatRatio(result.target?.minRatio ?? 0)} ${mark(ratioOk)}`);
  const oursOk = maxOursMet(result);
  if (oursOk !== undefined) {
    parts.push(`≤ ${formatNumber(result.target?.maxOurs ?? 0)} ${shortUnit(result.unit)} ${mark(oursOk)}`);
  }
  return parts.join(', ');
}

/** The message of something thrown, which need not be an `Error`. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function mark(met: boolean): string {
  return met ? '✓' : '✗';
}
