// A small dependency-free SVG line chart: heap over items, one line per series.

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];

/**
 * `series`: [{ name, points: [[x, y], ...] }]. Returns the SVG text.
 */
export function lineChart({ title, xLabel, yLabel, series, width = 640, height = 360 }) {
  const pad = { left: 64, right: 16, top: 36, bottom: 48 };
  const all = series.flatMap((s) => s.points);
  const xMax = Math.max(...all.map((p) => p[0]), 1);
  const yMax = Math.max(...all.map((p) => p[1]), 1) * 1.1;
  const yMin = Math.min(0, ...all.map((p) => p[1]));
  const x = (v) => pad.left + (v / xMax) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - ((v - yMin) / (yMax - yMin)) * (height - pad.top - pad.bottom);
  const esc = (s) => String(s).replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]);
  const ticks = 5;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${esc(title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#333"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#333"/>`,
  ];
  for (let i = 0; i <= ticks; i++) {
    const yv = yMin + ((yMax - yMin) / ticks) * i;
    const xv = (xMax / ticks) * i;
    parts.push(
      `<text x="${pad.left - 6}" y="${y(yv) + 4}" text-anchor="end">${yv.toFixed(0)}</text>`,
      `<line x1="${pad.left}" y1="${y(yv)}" x2="${width - pad.right}" y2="${y(yv)}" stroke="#eee"/>`,
      `<text x="${x(xv)}" y="${height - pad.bottom + 16}" text-anchor="middle">${(xv / 1e6).toFixed(1)}M</text>`,
    );
  }
  parts.push(
    `<text x="${width / 2}" y="${height - 10}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="16" y="${height / 2}" text-anchor="middle" transform="rotate(-90 16 ${height / 2})">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.points
      .map((p, k) => `${k === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`)
      .join(' ');
    parts.push(
      `<path d="${d}" fill="none" stroke="${color}" stroke-width="2"/>`,
      `<rect x="${pad.left + 12}" y="${pad.top + 6 + i * 18}" width="12" height="3" fill="${color}"/>`,
      `<text x="${pad.left + 30}" y="${pad.top + 11 + i * 18}">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
