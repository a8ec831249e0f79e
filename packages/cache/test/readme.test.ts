import { readFileSync } from 'node:fs';
import { catalogue, catalogueByPackage } from '@leakproof/core';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The rows of the first Markdown table after `heading` (a line of the README). */
function tableAfter(heading: string): string[][] {
  const lines = readme.split('\n');
  let i = lines.findIndex((line) => line.trim() === heading);
  expect(i, `README has the line "${heading}"`).toBeGreaterThanOrEqual(0);
  while (!lines[i]!.startsWith('|')) i++;
  const rows: string[][] = [];
  for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    rows.push(
      lines[i]!.slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim()),
    );
  }
  return rows;
}

const unquote = (cell: string) => cell.replace(/^`|`$/g, '');

describe('the README errors tables match the catalogue', () => {
  it("lists exactly this package's codes, each with its catalogue class", () => {
    const rows = tableAfter('Codes of this package (from the catalogue in `@leakproof/core`):');
    const codes = rows.map((row) => unquote(row[0]!));
    expect([...codes].sort()).toEqual(Object.keys(catalogueByPackage.cache!).sort());
    for (const row of rows) {
      const spec = catalogue[unquote(row[0]!) as keyof typeof catalogue];
      expect(unquote(row[1]!)).toBe(spec.kind);
      expect(row[2]).toBe(spec.summary);
    }
  });

  it("lists core's codes with their catalogue class", () => {
    const rows = tableAfter('Codes from core that this package raises:');
    for (const row of rows) {
      const code = unquote(row[0]!);
      expect(Object.keys(catalogueByPackage.core!)).toContain(code);
      expect(unquote(row[1]!)).toBe(catalogue[code as keyof typeof catalogue].kind);
    }
  });

  it('the migration table covers every lru-cache option', () => {
    const rows = tableAfter('## Migrating from lru-cache');
    const named = rows.flatMap((row) => row[0]!.split(', ').map(unquote));
    // lru-cache 11's options (LRUCache.OptionsBase).
    const options = [
      'max',
      'maxSize',
      'sizeCalculation',
      'maxEntrySize',
      'ttl',
      'ttlResolution',
      'ttlAutopurge',
      'updateAgeOnGet',
      'updateAgeOnHas',
      'noUpdateTTL',
      'allowStale',
      'noDeleteOnStaleGet',
      'dispose',
      'disposeAfter',
      'noDisposeOnSet',
      'fetchMethod',
      'noDeleteOnFetchRejection',
      'allowStaleOnFetchRejection',
      'allowStaleOnFetchAbort',
      'ignoreFetchAbort',
      'memoMethod',
      'onInsert',
      'perf',
      'backgroundFetchSize',
    ];
    for (const option of options) expect(named).toContain(option);
  });
});
