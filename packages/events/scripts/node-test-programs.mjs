// Runs Node's own EventEmitter test programs (test/parallel/test-event*.js of a Node source
// tree) twice each: as they are, and with require('events') / require('node:events') from
// the programs redirected to this package's CommonJS build. Node's programs are not part of
// this repository: point the script at a checkout of the release line to test, and run it with
// that line's node binary.
//
//   git clone --depth 1 --branch v22.x https://github.com/nodejs/node /tmp/node-v22
//   npx -y pnpm@10 --filter @leakproof/events build
//   node packages/events/scripts/node-test-programs.mjs /tmp/node-v22 [--node /path/to/node]
//
// Prints one line per program and the counts; exits 1 when a program passes on node:events
// and fails on @leakproof/events.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const nodeAt = args.indexOf('--node');
const node = nodeAt === -1 ? process.execPath : args[nodeAt + 1];
const source = args.find((a, i) => !a.startsWith('--') && i !== nodeAt + 1);
if (source === undefined) {
  console.error('usage: node-test-programs.mjs <node source tree> [--node <binary>]');
  process.exit(2);
}
const parallel = path.join(path.resolve(source), 'test', 'parallel');
const build = fileURLToPath(new URL('../dist/index.cjs', import.meta.url));
if (!existsSync(build)) {
  console.error(`no ${build}: build the package first`);
  process.exit(2);
}

// The redirect, preloaded with -r: only requires made from the test programs themselves.
const dir = mkdtempSync(path.join(tmpdir(), 'leakproof-node-programs-'));
const redirect = path.join(dir, 'redirect.cjs');
writeFileSync(
  redirect,
  `const Module = require('module');
const load = Module._load;
const tests = ${JSON.stringify(parallel + path.sep)};
Module._load = function (request, parent, ...rest) {
  if ((request === 'events' || request === 'node:events') && parent?.filename?.startsWith(tests))
    return load.call(this, ${JSON.stringify(build)}, parent, ...rest);
  return load.call(this, request, parent, ...rest);
};
`,
);

/** The program's `// Flags:` that this binary accepts. */
function flagsOf(file) {
  const line = /^\/\/ Flags: (.*)$/m.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
  return line
    .split(/\s+/)
    .filter(Boolean)
    .filter((flag) => spawnSync(node, [flag, '-e', '0']).status === 0);
}

function run(file, extra) {
  const result = spawnSync(node, [...flagsOf(file), ...extra, file], {
    cwd: path.dirname(parallel),
    encoding: 'utf8',
    timeout: 60_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  return {
    passed: result.status === 0,
    first: /^.*(Error|not ok).*$/m.exec(output)?.[0] ?? output.slice(0, 200),
  };
}

const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const programs = readdirSync(parallel)
  .filter((name) => /^test-event.*\.js$/.test(name))
  .sort();
let nodePasses = 0;
let ourPasses = 0;
const regressions = [];
for (const name of programs) {
  const file = path.join(parallel, name);
  const theirs = run(file, []);
  const ours = run(file, ['-r', redirect]);
  if (theirs.passed) nodePasses++;
  if (ours.passed) ourPasses++;
  console.log(
    `${name}: node:events ${theirs.passed ? 'pass' : 'FAIL'}, @leakproof/events ${ours.passed ? 'pass' : 'FAIL'}`,
  );
  if (theirs.passed && !ours.passed) {
    regressions.push(name);
    console.log(`  ${ours.first}`);
  }
}
rmSync(dir, { recursive: true, force: true });
console.log(
  `${version}: ${programs.length} programs; node:events passes ${nodePasses}, @leakproof/events passes ${ourPasses}`,
);
if (regressions.length > 0) {
  console.log(`pass on node:events only: ${regressions.join(', ')}`);
  process.exit(1);
}
