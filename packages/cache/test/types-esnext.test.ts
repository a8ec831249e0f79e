import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

describe('types under "lib": ["ESNext"]', () => {
  it('BoundedSet implements Set (with the ES2025 methods) and BoundedMap is a Map', () => {
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const file = fileURLToPath(new URL('./fixtures/esnext-set.ts', import.meta.url));
    const program = ts.createProgram([file], {
      lib: ['lib.esnext.d.ts'],
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      exactOptionalPropertyTypes: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      baseUrl: root,
      paths: {
        '@leakproof/core': ['packages/core/src/index.ts'],
        '@leakproof/cache': ['packages/cache/src/index.ts'],
      },
    });
    // Only the fixture is checked (with what its types need), not every source file.
    const source = program.getSourceFile(file)!;
    const messages = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ].map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(messages).toEqual([]);
  });
});
