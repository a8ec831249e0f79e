// Lints every publishable package the way a registry user would meet it:
// `publint --strict` on its package.json and files, `attw --pack` on the tarball's types.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules', '.bin', name);
const packages = readdirSync(join(root, 'packages'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(root, 'packages', d.name));

let failed = 0;
for (const dir of packages) {
  for (const [tool, args] of [
    ['publint', ['--strict', '--pack', 'npm']],
    // Every resolution TypeScript users have, node10 included (subpaths reach it through `typesVersions`).
    ['attw', ['--pack', '.', '--format', 'table-flipped']],
  ]) {
    try {
      execFileSync(bin(tool), args, { cwd: dir, stdio: 'pipe' });
      console.log(`ok   ${tool} ${dir.slice(root.length)}`);
    } catch (error) {
      failed++;
      console.error(`FAIL ${tool} ${dir.slice(root.length)}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
}
if (failed > 0) {
  console.error(`${failed} package check(s) failed`);
  process.exit(1);
}
