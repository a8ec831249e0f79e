import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript fixtures, shared with the benchmark
import { boundedPrograms, leakPrograms } from './fixtures/leak-programs/programs.mjs';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/find-leaks-program.ts', import.meta.url));

interface Program {
  id: string;
  allocates?: string;
  holder?: RegExp;
}
interface Report {
  sites: { location: string; userFrames: string[]; bytesPerOp: number; retainers?: string }[];
}

async function profile(id: string, retainers: boolean): Promise<Report> {
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fixture, id, retainers ? 'retainers' : ''],
    { cwd: root, timeout: 120_000 },
  );
  return JSON.parse(stdout) as Report;
}

describe('findLeaks names the allocating function and the structure that holds it', () => {
  for (const program of leakPrograms as Program[]) {
    // A child process that profiles and then takes a heap snapshot: measured alone, the
    // snapshot adds up to 18 s on these 2 cores (README: "Retainers, and what they cost").
    it(`${program.id}: ${program.allocates}, held by ${program.holder}`, { timeout: 90_000 }, async () => {
      const report = await profile(program.id, true);
      const top = report.sites[0];
      // The allocating function is the top site's own frame or the user frame just under it.
      expect(top?.userFrames.slice(0, 2)).toContain(program.allocates);
      expect(top!.bytesPerOp).toBeGreaterThan(50);
      expect(top!.retainers).toMatch(program.holder!);
    });
  }
});

describe('findLeaks reports nothing for memory that stays bounded', () => {
  for (const program of boundedPrograms as Program[]) {
    it(`${program.id}: no site`, async () => {
      const report = await profile(program.id, false);
      expect(report.sites).toEqual([]);
    });
  }
});
