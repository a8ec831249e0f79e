// The README is for people installing the package: its errors table must list exactly the
// package's codes in core's catalogue, and every TypeScript example must compile under the
// workspace's strict settings and run, as written, against the built package.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { catalogueByPackage } from '../../core/src/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const work = mkdtempSync(join(tmpdir(), 'leakproof-events-readme-'));
const files = examples.map((source, i) => {
  const file = join(work, `example-${i}.mts`);
  writeFileSync(file, source);
  return file;
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('README', () => {
  it("lists exactly the package's codes in the catalogue, each with its class", () => {
    const section = readme.slice(readme.indexOf('## Errors'), readme.indexOf('## Decisions'));
    const rows = [...section.matchAll(/^\| `([A-Z_]+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2]]);
    const expected = Object.entries(catalogueByPackage.events!).map(([code, spec]) => [code, spec.kind]);
    expect(rows.sort()).toEqual(expected.sort());
  });

  it('has TypeScript examples, and every one compiles under the strict workspace settings', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
    const program = ts.createProgram(files, {
      ...parsed.options,
      noEmit: true,
      // Examples are read on their own: a value printed once is not an unused local.
      noUnusedLocals: false,
      typeRoots: [join(root, 'node_modules/@types')],
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.includes(d.file.fileName))
      .map((d) => {
        const where = d.file ? `example ${files.indexOf(d.file.fileName)}: ` : '';
        return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(diagnostics).toEqual([]);
  });

  for (const [i, file] of files.entries()) {
    it(`example ${i} runs against the built package and exits 0`, async () => {
      if (!existsSync(join(packageDir, 'dist/index.js'))) {
        throw new Error('packages/events/dist is missing: run `npx -y pnpm@10 build` first');
      }
      const outfile = file.replace(/\.mts$/, '.mjs');
      await build({
        entryPoints: [file],
        outfile,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        alias: { '@leakproof/events': join(packageDir, 'dist/index.js') },
        logLevel: 'silent',
      });
      const out = execFileSync(process.execPath, [outfile], { encoding: 'utf8', timeout: 20_000 });
      // Where an example says what it prints, it prints that.
      for (const [, shown] of examples[i]!.matchAll(/console\.log\([^\n]*\); \/\/ (.+)$/gm)) {
        expect(out).toContain(shown!);
      }
    });
  }
});
