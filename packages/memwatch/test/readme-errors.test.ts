import { readFileSync } from 'node:fs';
import { catalogueByPackage } from '@leakproof/core';
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

  it("lists nothing but memwatch's catalogue codes and Node's argument codes", () => {
    const known = new Set([...Object.keys(catalogueByPackage.memwatch!), ...ARGUMENT_CODES]);
    expect(tableCodes().filter((code) => !known.has(code))).toEqual([]);
  });
});
