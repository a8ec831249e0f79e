#!/usr/bin/env node
// Prints coverage per package from vitest's json-summary (coverage/coverage-summary.json),
// after `vitest run --coverage`. The floors are in vitest.config.ts.
import { readFileSync } from 'node:fs';

const summary = JSON.parse(readFileSync('coverage/coverage-summary.json', 'utf8'));
const kinds = ['lines', 'statements', 'functions', 'branches'];
const byPackage = new Map();
for (const [file, figures] of Object.entries(summary)) {
  const name = /packages\/([^/]+)\/src\//.exec(file)?.[1];
  if (name === undefined) continue;
  let sums = byPackage.get(name);
  if (sums === undefined) byPackage.set(name, (sums = Object.fromEntries(kinds.map((k) => [k, [0, 0]]))));
  for (const k of kinds) {
    sums[k][0] += figures[k].covered;
    sums[k][1] += figures[k].total;
  }
}
const pct = ([covered, total]) => (total === 0 ? '100.00' : ((100 * covered) / total).toFixed(2));
console.log(`\nCoverage by package (%)\n${'package'.padEnd(10)}${kinds.map((k) => k.padStart(12)).join('')}`);
for (const [name, sums] of [...byPackage].sort(([a], [b]) => a.localeCompare(b))) {
  console.log(`${name.padEnd(10)}${kinds.map((k) => pct(sums[k]).padStart(12)).join('')}`);
}
