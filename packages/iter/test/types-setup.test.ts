// The declarations must compile in the setups users have, not only in this repository's
// (whose lib includes ESNext.Disposable). Each fixture folder is a consumer's tsconfig.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

async function typeCheck(fixture: string): Promise<{ code: number; output: string }> {
  const project = fileURLToPath(new URL(`./fixtures/${fixture}/tsconfig.json`, import.meta.url));
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    return { code: 0, output: '' };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? -1, output: e.stdout ?? String(error) };
  }
}

test('`await using stage = paginate(…)` compiles with target ES2022 and the default lib', async () => {
  const { code, output } = await typeCheck('es2022-lib');
  expect(output).toBe('');
  expect(code).toBe(0);
}, 120_000); // one tsc run: several seconds of CPU, more on a shared machine
