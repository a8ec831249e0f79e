import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Child processes over the built package: a script whose only work is a wait exits with the
// wait's outcome (0 resolved, 1 rejected), never 13 ("unsettled top-level await"); a script
// that uses the primitives and never disposes them exits on its own.
const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
const run = (body: string) =>
  spawnSync(
    process.execPath,
    ['--input-type=module', '-e', `import * as cache from ${JSON.stringify(dist)};\n${body}`],
    {
      encoding: 'utf8',
      timeout: 20_000,
    },
  );

describe('waits settle and processes exit (child processes, built package)', () => {
  it('`await map.getOrLoad(k, slowLoader)` as the only work resolves and exits 0, never 13', () => {
    const result = run(`
      const map = new cache.BoundedMap({ max: 10, ttl: 60_000 });
      const v = await map.getOrLoad('k', () => new Promise((r) => setTimeout(r, 50, 42)));
      console.log(v, map.get('k'));`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('42 42');
  });

  it('a getOrLoad whose caller aborts rejects and exits 1 with the AbortError, never 13', () => {
    const result = run(`
      const map = new cache.BoundedMap({ max: 10 });
      const c = new AbortController();
      setTimeout(() => c.abort(), 20);
      await map.getOrLoad('k', () => new Promise(() => {}), { signal: c.signal });`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('AbortError');
  });

  it('a rejected load exits 1 with its error', () => {
    const result = run(`
      const load = cache.memoize(async (n) => { await new Promise((r) => setTimeout(r, 20)); throw new Error('down ' + n); }, { max: 5 });
      await load(1);`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('down 1');
  });

  it('a script that uses every primitive with ttls and disposes nothing exits on its own', () => {
    const result = run(`
      const map = new cache.BoundedMap({ max: 100, ttl: 60_000 });
      const set = new cache.BoundedSet({ max: 100, ttl: 60_000 });
      const f = cache.memoize((n) => n * 2, { max: 10, ttl: 60_000 });
      for (let i = 0; i < 1000; i++) { map.set(i, i); set.add(i); f(i % 20); }
      await map.getOrLoad('x', async () => 1);
      const flights = new cache.SingleFlight();
      await flights.run('k', async () => 1);
      console.log('done');`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe('done');
  });
});
