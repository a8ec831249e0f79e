// One typing style for optional properties across the packages: `name?: T | undefined`, never
// `name?: T`. Under `exactOptionalPropertyTypes` the short form refuses an explicit
// `undefined`, so passing a `number | undefined` would compile for one package and fail for
// another. This test reads every source file with the TypeScript parser and lists each
// optional property whose type does not admit `undefined`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `undefined`, `unknown` and `any` all admit `undefined`. */
const admitsUndefined = (type: ts.TypeNode): boolean =>
  type.kind === ts.SyntaxKind.UndefinedKeyword ||
  type.kind === ts.SyntaxKind.UnknownKeyword ||
  type.kind === ts.SyntaxKind.AnyKeyword ||
  (ts.isUnionTypeNode(type) && type.types.some(admitsUndefined)) ||
  (ts.isParenthesizedTypeNode(type) && admitsUndefined(type.type));

function violations(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) &&
      node.questionToken !== undefined &&
      node.type !== undefined &&
      !admitsUndefined(node.type)
    ) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      found.push(`${relative(root, file)}:${line + 1}: ${node.getText()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

it('writes every optional property as `?: T | undefined` in every package', () => {
  const packages = readdirSync(join(root, 'packages'));
  const files = packages.flatMap((name) => sourceFiles(join(root, 'packages', name, 'src')));
  expect(files.length).toBeGreaterThan(100);
  expect(files.flatMap(violations)).toEqual([]);
});

it('would report the short form', () => {
  const probe = join(root, 'test', 'fixtures', 'optional-short-form.ts');
  expect(violations(probe)).toEqual(['test/fixtures/optional-short-form.ts:3: readonly max?: number;']);
});
