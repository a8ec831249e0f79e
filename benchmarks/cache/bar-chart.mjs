// A small dependency-free SVG grouped bar chart (hit ratios by trace, one bar per policy).

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#7f7f7f', '#9467bd'];

/** `groups`: labels; `series`: [{ name, values: number per group }]. Returns the SVG text. */
export function barChart({ title, groups, series, width = 900, height = 380, yMax = 100 }) {
  const pad = { left: 48, right: 16, top: 56, bottom: 40 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const groupW = plotW / groups.length;
  const barW = (groupW * 0.8) / series.length;
  const y = (v) => pad.top + plotH - (v / yMax) * plotH;
  const esc = (s) => String(s).replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c]);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let v = 0; v <= yMax; v += 20) {
    parts.push(
      `<line x1="${pad.left}" y1="${y(v)}" x2="${width - pad.right}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${pad.left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }
  groups.forEach((group, g) => {
    const x0 = pad.left + g * groupW + groupW * 0.1;
    series.forEach((s, i) => {
      const v = s.values[g];
      parts.push(
        `<rect x="${x0 + i * barW}" y="${y(v)}" width="${barW - 1}" height="${y(0) - y(v)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(s.name)}: ${v.toFixed(1)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${x0 + (groupW * 0.8) / 2}" y="${height - pad.bottom + 16}" text-anchor="middle">${esc(group)}</text>`,
    );
  });
  series.forEach((s, i) => {
    const lx = pad.left + i * 190;
    parts.push(
      `<rect x="${lx}" y="30" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${lx + 16}" y="40">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
