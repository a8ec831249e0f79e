// The published declarations are bundled from what the public modules' declarations
// reference. A public module whose declaration names something from src/internal/ would
// publish that internal type: this test emits every module's declaration (as tsup's dts
// build does) and fails if a public one reaches into internal/.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const coreSrc = fileURLToPath(new URL('../../core/src/index.ts', import.meta.url));

test('no public declaration references a type from src/internal/', () => {
  const program = ts.createProgram([`${src}index.ts`], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
    types: ['node'],
    strict: true,
    skipLibCheck: true,
    declaration: true,
    emitDeclarationOnly: true,
    paths: { '@leakproof/core': [coreSrc] },
  });
  const declarations = new Map<string, string>();
  const result = program.emit(undefined, (file, text) => {
    if (file.startsWith(src)) declarations.set(file.slice(src.length), text);
  });
  expect(result.diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  const publicFiles = [...declarations.keys()].filter((f) => !f.startsWith('internal/'));
  expect(publicFiles).toContain('index.d.ts');
  expect(publicFiles).toContain('stages/chunk.d.ts');
  const leaks = publicFiles.filter((f) => /internal\//.test(declarations.get(f)!));
  expect(leaks).toEqual([]);
}, 120_000); // one TypeScript program: several seconds of CPU, more on a shared machine
