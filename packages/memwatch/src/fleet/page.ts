/**
 * @internal The fleet page: one self-contained HTML document (no external script, style or
 * font) that polls `fleet.json` and draws the ranking and one chart of heap after collection
 * per service. Everything user-controlled reaches the DOM through `textContent`.
 */
export function fleetPage(refreshMs: number): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>memwatch fleet</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; background: #fafbfc; }
  h1 { font-size: 20px; margin: 0 0 4px; }
  #updated { color: #57606a; margin-bottom: 16px; }
  table { border-collapse: collapse; margin-bottom: 24px; background: #fff; }
  th, td { padding: 6px 10px; border-bottom: 1px solid #d0d7de; text-align: left; white-space: nowrap; }
  th { background: #f0f3f6; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .verdict { font-weight: 600; border-radius: 10px; padding: 1px 8px; }
  .v-leaking { background: #ffebe9; color: #a40e26; }
  .v-pressure { background: #fff8c5; color: #7d4e00; }
  .v-unreachable { background: #eaeef2; color: #57606a; }
  .v-warming, .v-ok { background: #dafbe1; color: #116329; }
  #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 16px; }
  figure { margin: 0; background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }
  figcaption { font-weight: 600; margin-bottom: 4px; }
  svg { width: 100%; height: 160px; }
  .axis { fill: #57606a; font-size: 10px; }
  .grid { stroke: #eaeef2; }
  .line { fill: none; stroke: #0969da; stroke-width: 1.5; }
  .leaking .line { stroke: #cf222e; }
</style>
</head>
<body>
<h1>memwatch fleet</h1>
<div id="updated">waiting for the first round…</div>
<table id="ranking">
  <thead><tr><th>#</th><th>service</th><th>verdict</th><th>heap after GC</th><th>growth</th><th>to limit</th><th>pressure</th><th>biggest primitives</th></tr></thead>
  <tbody></tbody>
</table>
<div id="charts"></div>
<script>
'use strict';
const REFRESH_MS = ${Math.max(250, Math.round(refreshMs))};
const SVG = 'http://www.w3.org/2000/svg';
function bytes(b) {
  if (b === null || !Number.isFinite(b)) return '-';
  const sign = b < 0 ? '-' : '';
  let v = Math.abs(b);
  for (const u of ['B', 'KB', 'MB', 'GB']) {
    if (v < 1000 || u === 'GB') return sign + (v < 10 && u !== 'B' ? v.toFixed(1) : Math.round(v)) + ' ' + u;
    v /= 1000;
  }
}
function axisBytes(v, span) {
  const unit = Math.abs(v) >= 1e9 ? [1e9, 'GB'] : Math.abs(v) >= 1e6 ? [1e6, 'MB'] : Math.abs(v) >= 1e3 ? [1e3, 'KB'] : [1, 'B'];
  const digits = Math.min(3, Math.max(0, Math.ceil(-Math.log10(span / unit[0])) + 1));
  return (v / unit[0]).toFixed(digits) + ' ' + unit[1];
}
function seconds(s) {
  if (s === null || !Number.isFinite(s)) return '-';
  if (s < 90) return Math.round(s) + ' s';
  if (s < 5400) return Math.round(s / 60) + ' min';
  if (s < 172800) return (s / 3600).toFixed(1) + ' h';
  return Math.round(s / 86400) + ' d';
}
function cell(row, text, cls) {
  const td = document.createElement('td');
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
  return td;
}
function el(name, attrs, parent) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  parent.appendChild(node);
  return node;
}
function chart(service) {
  const figure = document.createElement('figure');
  figure.dataset.service = service.name;
  figure.className = service.verdict;
  const caption = document.createElement('figcaption');
  caption.textContent = service.name + ' — heap after GC' +
    (service.bytesPerSecond === null ? '' : ', ' + bytes(service.bytesPerSecond) + '/s');
  figure.appendChild(caption);
  const W = 360, H = 160, L = 52, B = 18;
  const svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img' }, figure);
  const h = service.history || { t: [], bytes: [] };
  if (h.t.length < 2) {
    el('text', { x: L, y: H / 2, class: 'axis' }, svg).textContent = 'not enough samples yet';
    return figure;
  }
  const t0 = h.t[0], t1 = h.t[h.t.length - 1];
  let lo = Math.min(...h.bytes), hi = Math.max(...h.bytes);
  if (hi - lo < 1) { hi += 1; lo -= 1; }
  const pad = (hi - lo) * 0.1; lo -= pad; hi += pad;
  const x = (t) => L + ((t - t0) / (t1 - t0)) * (W - L - 6);
  const y = (v) => 6 + (1 - (v - lo) / (hi - lo)) * (H - B - 12);
  for (let i = 0; i <= 3; i++) {
    const v = lo + ((hi - lo) * i) / 3;
    el('line', { x1: L, x2: W - 6, y1: y(v), y2: y(v), class: 'grid' }, svg);
    el('text', { x: 2, y: y(v) + 3, class: 'axis' }, svg).textContent = axisBytes(v, hi - lo);
  }
  el('text', { x: L, y: H - 4, class: 'axis' }, svg).textContent = '-' + seconds((t1 - t0) / 1000);
  el('text', { x: W - 30, y: H - 4, class: 'axis' }, svg).textContent = 'now';
  const points = h.t.map((t, i) => x(t).toFixed(1) + ',' + y(h.bytes[i]).toFixed(1)).join(' ');
  el('polyline', { points, class: 'line' }, svg);
  return figure;
}
function render(report) {
  const body = document.querySelector('#ranking tbody');
  body.replaceChildren();
  for (const s of report.services) {
    const row = document.createElement('tr');
    row.dataset.service = s.name;
    row.dataset.verdict = s.verdict;
    cell(row, String(s.rank), 'num');
    cell(row, s.name);
    const v = cell(row, '');
    const badge = document.createElement('span');
    badge.className = 'verdict v-' + s.verdict;
    badge.textContent = s.verdict;
    v.appendChild(badge);
    if (s.lastError) v.title = s.lastError.code + ': ' + s.lastError.message;
    cell(row, bytes(s.heapAfterGc), 'num');
    cell(row, s.bytesPerSecond === null ? '-' : bytes(s.bytesPerSecond) + '/s', 'num');
    cell(row, s.verdict === 'leaking' ? seconds(s.secondsToLimit) : '-', 'num');
    cell(row, s.pressure === null ? '-' : Math.round(s.pressure * 100) + '%', 'num');
    cell(row, s.top.map((p) => p.name + ' ' + (p.bytes === null || p.bytes === 0 ? (p.size ?? 0) + ' entries' : bytes(p.bytes))).join(', ') || '-');
    body.appendChild(row);
  }
  document.getElementById('charts').replaceChildren(...report.services.map(chart));
  const updated = document.getElementById('updated');
  updated.textContent = 'round ' + report.rounds + ', ' + new Date(report.at).toLocaleTimeString();
  document.body.dataset.rounds = String(report.rounds);
}
async function refresh() {
  try {
    const response = await fetch('fleet.json?history=1', { cache: 'no-store' });
    if (response.ok) render(await response.json());
  } catch (error) {
    document.getElementById('updated').textContent = 'the watcher does not answer: ' + error.message;
  }
  setTimeout(refresh, REFRESH_MS);
}
refresh();
</script>
</body>
</html>
`;
}
