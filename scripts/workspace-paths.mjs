// The tsconfig `paths` that let the type check read every package from source, derived from the
// workspace: each entry of a package's `exports` map ("." or "./sub") maps to src/index.ts or
// src/sub.ts. `node scripts/workspace-paths.mjs --write` rewrites tsconfig.json; without it,
// the script exits 1 when tsconfig.json is out of date (the integration tests run it).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function workspacePaths() {
  const paths = {};
  for (const entry of readdirSync(`${root}packages`, { withFileTypes: true })) {
    const manifestPath = `${root}packages/${entry.name}/package.json`;
    if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    for (const key of Object.keys(manifest.exports ?? { '.': null })) {
      if (key !== '.' && !/^\.\/[\w-]+$/.test(key)) continue;
      const specifier = key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`;
      paths[specifier] = [`./packages/${entry.name}/src/${key === '.' ? 'index' : key.slice(2)}.ts`];
    }
  }
  return Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const tsconfigPath = `${root}tsconfig.json`;
  const tsconfig = JSON.parse(readFileSync(tsconfigPath, 'utf8'));
  const expected = workspacePaths();
  if (process.argv.includes('--write')) {
    tsconfig.compilerOptions.paths = expected;
    writeFileSync(tsconfigPath, `${JSON.stringify(tsconfig, null, 2)}\n`);
  } else if (JSON.stringify(tsconfig.compilerOptions.paths) !== JSON.stringify(expected)) {
    console.error(
      'tsconfig.json paths differ from the workspace: run node scripts/workspace-paths.mjs --write',
    );
    process.exit(1);
  }
}
