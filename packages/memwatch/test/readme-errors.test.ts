import { readFileSync } from 'node:fs';
import { catalogue, catalogueByPackage } from '@leakproof/core';
import { describe, expect, it } from 'vitest';
import { memwatchErrors } from '../../core/src/catalogue/memwatch.js';

const ARGUMENT_CODES = ['ERR_INVALID_ARG_TYPE', 'ERR_OUT_OF_RANGE', 'ERR_INVALID_ARG_VALUE'];

function tableCodes(): string[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(
    readme.indexOf('\n## Errors'),
    readme.indexOf('\n## ', readme.indexOf('\n## Errors') + 1),
  );
  return [...section.matchAll(/^\| `(ERR_[A-Z_]+)`/gm)].map((m) => m[1]!);
}

describe("the README's errors table", () => {
  it("lists every code of memwatch's catalogue file", () => {
    const codes = tableCodes();
    for (const code of Object.keys(memwatchErrors)) expect(codes).toContain(code);
  });

  it("lists no other package's code: each catalogued code in it is memwatch's or Node's argument code", () => {
    // memwatch's codes live in two catalogue files: this one, and the fleet view's and
    // Prometheus' (memwatch-fleet.ts), which fills in on its own schedule.
    const memwatch = new Set([...Object.keys(catalogueByPackage.memwatch!), ...ARGUMENT_CODES]);
    const foreign = tableCodes().filter((code) => Object.hasOwn(catalogue, code) && !memwatch.has(code));
    expect(foreign).toEqual([]);
  });
});
