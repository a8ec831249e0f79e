import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coreErrors } from '../../../core/src/catalogue/core.js';
import { memwatchFleetErrors } from '../../../core/src/catalogue/memwatch-fleet.js';

describe("the README's table of fleet and Prometheus codes", () => {
  it('lists exactly the codes of the catalogue file (and the shared missing-peer code), each with its summary', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('A failed scrape is not thrown');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start));
    const rows = [...section.matchAll(/^\| `(ERR_[A-Z_]+)`\s*\| (.+?)\s*\|$/gm)].map((m) => [m[1]!, m[2]!]);
    expect(Object.fromEntries(rows)).toEqual(
      Object.fromEntries(
        Object.entries({
          ...memwatchFleetErrors,
          ERR_MISSING_PEER_DEPENDENCY: coreErrors.ERR_MISSING_PEER_DEPENDENCY,
        }).map(([code, spec]) => [code, spec.summary]),
      ),
    );
  });
});
