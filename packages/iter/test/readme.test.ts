// The README's errors tables must say what the catalogue says: this package's table lists
// exactly the codes of core's catalogue/iter.ts, the shared table only codes core defines,
// each with the class the catalogue builds.
import { readFileSync } from 'node:fs';
import { catalogueByPackage, type ErrorSpec } from '@leakproof/core';
import { describe, expect, test } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Rows (code, class) of the Markdown table that follows `heading` in the Errors section. */
function table(heading: string): [string, string][] {
  const errors = readme.slice(readme.indexOf('## Errors'));
  const after = errors.slice(errors.indexOf(heading) + heading.length);
  const lines = after.split('\n');
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: [string, string][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    const [code, kind] = line
      .split('|')
      .slice(1, 3)
      .map((cell) => cell.trim().replace(/^`|`$/g, ''));
    rows.push([code!, kind!]);
  }
  return rows;
}

const kinds = (errors: Readonly<Record<string, ErrorSpec>>) =>
  Object.entries(errors).map(([code, spec]): [string, string] => [code, spec.kind]);

describe('README errors tables', () => {
  test("the package's table lists exactly the codes of its catalogue file, with their classes", () => {
    const own = catalogueByPackage.iter!;
    expect(table('Codes of this package:').sort()).toEqual(kinds(own).sort());
  });

  test('the shared table lists codes of core, each with the class core gives it', () => {
    const shared = table('Codes shared with every leakproof package:');
    expect(shared.length).toBeGreaterThan(0);
    const core = new Map(kinds(catalogueByPackage.core!));
    for (const [code, kind] of shared) expect([code, core.get(code)]).toEqual([code, kind]);
  });
});
