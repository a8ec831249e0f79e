import { invalidArgType } from '@leakproof/core';
import type { FleetReport } from './watch-fleet.js';

/** @internal Bytes for people: 1.5 MB, 812 KB, 96 B (powers of 1000, as network rates are read). */
export function formatBytes(bytes: number | null): string {
  if (bytes === null || !Number.isFinite(bytes)) return '-';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  for (const unit of ['B', 'KB', 'MB', 'GB']) {
    if (value < 1000 || unit === 'GB')
      return `${sign}${value < 10 && unit !== 'B' ? value.toFixed(1) : Math.round(value)} ${unit}`;
    value /= 1000;
  }
  return '-';
}

/** @internal A duration for people: 45 s, 12 min, 3.5 h, 4 d. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '-';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${Math.round(seconds / 86400)} d`;
}

const HEAD = [
  '#',
  'service',
  'verdict',
  'heap after GC',
  'growth',
  'to limit',
  'pressure',
  'biggest primitives',
];

/** @internal The ranking as a plain-text table, riskiest first. */
export function renderTable(report: FleetReport): string {
  if (
    typeof report !== 'object' ||
    report === null ||
    !Array.isArray((report as { services?: unknown }).services)
  ) {
    throw invalidArgType('report', 'a fleet report (an object with a `services` array)', report);
  }
  const rows = report.services.map((s) => [
    String(s.rank),
    s.name,
    s.verdict === 'unreachable' && s.lastError !== null ? `unreachable (${s.lastError.code})` : s.verdict,
    formatBytes(s.heapAfterGc),
    s.bytesPerSecond === null ? '-' : `${formatBytes(s.bytesPerSecond)}/s`,
    s.verdict === 'leaking' ? formatSeconds(s.secondsToLimit) : '-',
    s.pressure === null ? '-' : `${(s.pressure * 100).toFixed(0)}%`,
    s.top
      .map(
        (p) =>
          `${p.name} ${p.bytes === null || p.bytes === 0 ? `${p.size ?? 0} entries` : formatBytes(p.bytes)}`,
      )
      .join(', ') || '-',
  ]);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(HEAD), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
