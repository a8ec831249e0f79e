// The terminal table: one row per variant, bytes per operation, final heap, verdict.
import { formatBytes, formatPerOp } from './stats.mjs';

export function renderTable(scenes) {
  const rows = [['#', 'scene', 'variant', 'bytes/op', 'final heap', 'growth', 'verdict']];
  for (const scene of scenes) {
    for (const variant of ['plain', 'leakproof']) {
      const v = scene.variants[variant];
      const first = variant === 'plain';
      const head = [first ? String(scene.number) : '', first ? scene.title : '', variant];
      if (v.error) rows.push([...head, '', '', '', 'error']);
      else if (v.skipped) rows.push([...head, '', '', '', `skipped: ${v.skipped}`]);
      else {
        const expected = first ? v.verdict === 'grows' : v.verdict === 'flat';
        const verdict = first ? (v.verdict === 'grows' ? 'grows (leak)' : 'flat') : v.verdict;
        rows.push([
          ...head,
          formatPerOp(v.bytesPerOp),
          formatBytes(v.finalBytes),
          `${v.growthBytes >= 0 ? '+' : ''}${formatBytes(v.growthBytes)}`,
          `${verdict}${expected ? '' : ' (unexpected)'}`,
        ]);
      }
    }
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const right = new Set([3, 4, 5]);
  const line = (r) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** What findLeaks found for each run: the allocating function and what holds the memory. */
export function renderWhere(scenes) {
  const lines = ['Where the memory that stays comes from (memwatch findLeaks):'];
  for (const scene of scenes) {
    for (const variant of ['plain', 'leakproof']) {
      const v = scene.variants[variant];
      if (v.sites === undefined) continue;
      const head = `${scene.number}. ${scene.title} · ${variant}:`;
      const top = v.sites[0];
      if (top === undefined) {
        lines.push(`${head} no growing allocation site`);
        continue;
      }
      const callers = top.callers.length ? ` ← ${top.callers.join(' ← ')}` : '';
      lines.push(`${head} ${top.bytesPerOp.toFixed(0)} B/op allocated in ${top.functionName}${callers}`);
      lines.push(`    at ${top.location}`);
      if (top.retainers) lines.push(`    held by: ${top.retainers}`);
    }
  }
  return lines.join('\n');
}
