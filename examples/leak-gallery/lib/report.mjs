// The HTML report: one self-contained page, one inline SVG chart per scene (heap after GC
// over operations, plain beside leakproof). No scripts, no external assets.
import { formatBytes, formatPerOp } from './stats.mjs';

const COLORS = { plain: '#c92a2a', leakproof: '#2b8a3e' };
const W = 640;
const H = 280;
const M = { top: 20, right: 20, bottom: 44, left: 72 };

const escapeHtml = (s) =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

/** Round tick values covering [0, max]: 1, 2 or 5 times a power of ten. */
function ticks(max, count = 5) {
  if (max <= 0) return [0];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let v = 0; v <= max + step / 2; v += step) out.push(v);
  return out;
}

/** The chart of one scene: heap (MiB) against operations, one line per variant. */
export function sceneChart(scene) {
  const runs = Object.entries(scene.variants).filter(([, v]) => v.samples?.length);
  const maxOps = Math.max(1, ...runs.flatMap(([, v]) => v.samples.map((s) => s.ops)));
  const maxBytes = Math.max(1, ...runs.flatMap(([, v]) => v.samples.map((s) => s.bytes)));
  const yTicks = ticks((maxBytes * 1.1) / 2 ** 20);
  const yMax = yTicks.at(-1) * 2 ** 20 || 1;
  const xTicks = ticks(maxOps);
  const xMax = xTicks.at(-1) || 1;
  const x = (ops) => M.left + (ops / xMax) * (W - M.left - M.right);
  const y = (bytes) => H - M.bottom - (bytes / yMax) * (H - M.top - M.bottom);
  const parts = [];
  for (const t of yTicks) {
    const py = y(t * 2 ** 20).toFixed(1);
    parts.push(
      `<line x1="${M.left}" x2="${W - M.right}" y1="${py}" y2="${py}" stroke="#e9ecef"/>`,
      `<text x="${M.left - 8}" y="${py}" text-anchor="end" dominant-baseline="middle">${t} MiB</text>`,
    );
  }
  for (const t of xTicks) {
    const px = x(t).toFixed(1);
    parts.push(
      `<line x1="${px}" x2="${px}" y1="${H - M.bottom}" y2="${H - M.bottom + 4}" stroke="#868e96"/>`,
      `<text x="${px}" y="${H - M.bottom + 18}" text-anchor="middle">${t.toLocaleString('en-US')}</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" stroke="#868e96"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" text-anchor="middle">operations</text>`,
  );
  runs.forEach(([variant, v], index) => {
    const points = v.samples.map((s) => `${x(s.ops).toFixed(1)},${y(s.bytes).toFixed(1)}`).join(' ');
    const color = COLORS[variant];
    parts.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const s of v.samples)
      parts.push(
        `<circle cx="${x(s.ops).toFixed(1)}" cy="${y(s.bytes).toFixed(1)}" r="2.5" fill="${color}"/>`,
      );
    const ly = M.top + 4 + index * 18;
    parts.push(
      `<rect x="${M.left + 12}" y="${ly - 5}" width="14" height="4" fill="${color}"/>`,
      `<text x="${M.left + 32}" y="${ly}" dominant-baseline="middle">${variant}: ${escapeHtml(formatPerOp(v.bytesPerOp))}/op</text>`,
    );
  });
  const label = `Heap after GC over operations for ${scene.title}: ${runs
    .map(([variant, v]) => `${variant} ${formatPerOp(v.bytesPerOp)} per operation`)
    .join(', ')}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(label)}" font-family="system-ui, sans-serif" font-size="11" fill="#343a40"><title>${escapeHtml(label)}</title>${parts.join('')}</svg>`;
}

function variantRow(variant, v, scene) {
  if (v.error)
    return `<tr><td>${variant}</td><td colspan="4" class="bad">error: ${escapeHtml(v.error.split('\n')[0])}</td></tr>`;
  if (v.skipped) return `<tr><td>${variant}</td><td colspan="4">skipped: ${escapeHtml(v.skipped)}</td></tr>`;
  const good = variant === 'plain' ? v.verdict === 'grows' : v.verdict === 'flat';
  return `<tr><td>${variant}</td><td><code>${escapeHtml(scene[variant])}</code></td><td class="num">${escapeHtml(formatPerOp(v.bytesPerOp))}</td><td class="num">${escapeHtml(formatBytes(v.finalBytes))}</td><td class="${good ? 'ok' : 'bad'}">${v.verdict}</td></tr>`;
}

/** What findLeaks found: the allocating function and retainer path, per variant. */
function whereHtml(scene) {
  const items = ['plain', 'leakproof'].flatMap((variant) => {
    const v = scene.variants[variant];
    if (v.sites === undefined) return [];
    const top = v.sites[0];
    if (top === undefined) return [`<li>${variant}: no growing allocation site</li>`];
    const callers = top.callers.length ? ` ← ${top.callers.map(escapeHtml).join(' ← ')}` : '';
    const held = top.retainers ? `<br>held by: <code>${escapeHtml(top.retainers)}</code>` : '';
    return [
      `<li>${variant}: ${escapeHtml(top.bytesPerOp.toFixed(0))} B/op allocated in <code>${escapeHtml(top.functionName)}</code>${callers} (<code>${escapeHtml(top.location)}</code>)${held}</li>`,
    ];
  });
  return items.length
    ? `<p><strong>Where</strong> (<code>findLeaks</code>):</p><ul>${items.join('')}</ul>`
    : '';
}

/** The whole report page. */
export function renderHtml(result) {
  const sections = result.scenes.map((scene) => {
    const notes = Object.entries(scene.variants).flatMap(([variant, v]) =>
      (v.notes ?? []).map((n) => `${variant}: ${n}`),
    );
    return `<section>
<h2>${scene.number}. ${escapeHtml(scene.title)}</h2>
<p>${escapeHtml(scene.problem)}</p>
<p class="meta">${scene.ops.toLocaleString('en-US')} operations after a warm-up of ${scene.warmupOps.toLocaleString('en-US')}; above ${scene.leakBytesPerOp} bytes per operation counts as growing.</p>
<table><thead><tr><th>variant</th><th>code</th><th>bytes/op</th><th>final heap</th><th>verdict</th></tr></thead>
<tbody>${['plain', 'leakproof'].map((variant) => variantRow(variant, scene.variants[variant], scene)).join('')}</tbody></table>
${sceneChart(scene)}
${whereHtml(scene)}
${notes.length ? `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>leakproof leak gallery</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#212529;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%;font-size:.9rem}
th,td{border-bottom:1px solid #dee2e6;padding:.3rem .5rem;text-align:left;vertical-align:top}
.num{text-align:right;white-space:nowrap}.ok{color:#2b8a3e;font-weight:600}.bad{color:#c92a2a;font-weight:600}
section{margin-bottom:2.5rem}.meta{color:#868e96;font-size:.85rem}svg{max-width:100%;height:auto}code{font-size:.85em}
</style></head><body>
<h1>The leak gallery</h1>
<p>Each scene runs the same load twice, in separate processes: the plain code and the leakproof version.
The heap is sampled after a forced full collection; bytes per operation is the Theil–Sen slope of those samples
(after a warm-up that fills every bound). Node ${escapeHtml(result.node)}, ${escapeHtml(result.platform)}, ${escapeHtml(result.date)}.</p>
${sections.join('\n')}
</body></html>
`;
}
