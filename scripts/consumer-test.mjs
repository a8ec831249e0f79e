#!/usr/bin/env node
// The consumer test: leakproof as a user meets it on npm.
//
// 1. Packs every package with `pnpm pack` (what `pnpm publish` uploads) into a temporary folder
//    and inspects each tarball: LICENSE and README present, no `workspace:` range, no source map,
//    no path of the build machine in any file.
// 2. Installs the tarballs (never the workspace) with npm into a throwaway project outside the
//    repository, with TypeScript 5.9 and @types/node 20, and without the optional ioredis peer.
// 3. Type-checks one program per package (test/consumer/programs: what each README shows) in
//    every TypeScript setup below, strictly and with `skipLibCheck: false`, so the shipped
//    declarations are checked too; then installs ioredis and checks redis' types again with it.
// 4. Runs every compiled program (their `using` / `await using` lowered by TypeScript) and the
//    plain JavaScript programs (test/consumer/js) as ESM and as CommonJS, on the current Node.
// 5. Copies every example out of the repository with only its own package.json (its
//    `workspace:` ranges pointed at the tarballs), installs it and runs `npm test` in it.
//
// Any failure is reported with the setup, the command and its output, and fails the run.
// Usage: node scripts/consumer-test.mjs [--keep] [--only=types,js,examples]
//   --keep  leaves the temporary folder in place and prints where it is.
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['core', 'cache', 'events', 'pool', 'iter', 'memwatch', 'redis'];
const args = process.argv.slice(2);
const keep = args.includes('--keep');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const wants = (part) => only === undefined || only.includes(part);

/** The TypeScript setups users have. Every one is `strict`, with the declarations checked. */
const SETUPS = [
  {
    name: 'ts-node16-esm',
    what: 'module node16, "type": "module", target ES2022, default lib',
    type: 'module',
    options: { module: 'node16' },
  },
  {
    name: 'ts-node16-cjs',
    what: 'module node16, "type": "commonjs", target ES2022, default lib',
    type: 'commonjs',
    options: { module: 'node16' },
  },
  {
    name: 'ts-bundler',
    what: 'module esnext, moduleResolution bundler, target ES2022, default lib',
    type: 'module',
    options: { module: 'esnext', moduleResolution: 'bundler' },
  },
  {
    name: 'ts-node10',
    what: 'module commonjs (moduleResolution node10), esModuleInterop, target ES2022, lib ["ES2022"] (no DOM)',
    type: 'commonjs',
    options: { module: 'commonjs', esModuleInterop: true, lib: ['ES2022'] },
  },
  {
    name: 'ts-lib-esnext',
    what: 'module node16, target ES2022, lib ["ESNext"]',
    type: 'module',
    options: { module: 'node16', lib: ['ESNext'] },
  },
];

const STRICT = {
  target: 'ES2022',
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  // Our declarations are checked (and those of @types/node, prom-client, ioredis); only
  // TypeScript's own lib files are not.
  skipLibCheck: false,
  skipDefaultLibCheck: true,
  types: ['node'],
  rootDir: 'src',
  outDir: 'out',
};

const failures = [];
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
const log = (line) => console.log(`[consumer ${seconds(started).padStart(6)}] ${line}`);

function fail(where, message, output = '') {
  const text = output.trim().split('\n').slice(-40).join('\n');
  failures.push({ where, message, output: text });
  console.error(`FAIL ${where}: ${message}${text ? `\n${indent(text)}` : ''}`);
}
const indent = (text) =>
  text
    .split('\n')
    .map((l) => `     | ${l}`)
    .join('\n');

// The consumer projects must not see the settings of the pnpm that runs this script
// (`npm_config_*` and friends): they are installed as a user's would be.
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

/** Runs a command; resolves { code, output, timedOut } and never rejects. */
function run(command, commandArgs, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd,
      env: { ...CLEAN_ENV, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk) => {
      output = (output + chunk).slice(-200_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}\n${error.message}`, timedOut });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), output, timedOut, signal });
    });
  });
}

/** Runs `tasks` (functions returning promises), at most `limit` at a time. */
async function pool(tasks, limit) {
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

// pnpm: the one running this script (`pnpm test:consumer`), else pnpm 10 through npx.
const pnpm = process.env.npm_execpath?.includes('pnpm')
  ? [process.execPath, [process.env.npm_execpath]]
  : ['npx', ['-y', 'pnpm@10']];
const NPM_INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

const work = mkdtempSync(join(tmpdir(), 'leakproof-consumer-'));
const cleanup = () => {
  if (keep) return;
  // `rm -rf` is several times faster than rmSync on a dozen node_modules folders.
  if (process.platform !== 'win32') spawnSync('rm', ['-rf', work]);
  rmSync(work, { recursive: true, force: true });
};
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});

async function main() {
  const tarballs = await pack();
  if (!tarballs) return;
  if (wants('types') || wants('js')) await consumerProject(tarballs);
  if (wants('examples')) await examples(tarballs);
}

// 1. Pack and inspect ------------------------------------------------------------------------

async function pack() {
  const dest = join(work, 'tarballs');
  mkdirSync(dest);
  for (const name of PACKAGES) {
    const dir = join(ROOT, 'packages', name);
    if (!existsSync(join(dir, 'dist'))) {
      log(`building @leakproof/${name} (no dist/)`);
      const built = await run(pnpm[0], [...pnpm[1], 'run', 'build'], { cwd: dir });
      if (built.code !== 0) fail(`@leakproof/${name}`, 'the build failed', built.output);
    }
  }
  const packed = await run(
    pnpm[0],
    [...pnpm[1], '-r', '--filter', './packages/*', 'pack', '--pack-destination', dest],
    {
      cwd: ROOT,
    },
  );
  if (packed.code !== 0) {
    fail('pnpm pack', '`pnpm -r pack` failed', packed.output);
    return undefined;
  }
  const tarballs = {};
  for (const file of readdirSync(dest)) {
    const name = /^leakproof-(.+)-\d+\.\d+\.\d+.*\.tgz$/.exec(file)?.[1];
    if (name) tarballs[name] = join(dest, file);
  }
  log(`packed ${Object.keys(tarballs).length} packages`);
  const sizes = [];
  for (const name of PACKAGES) {
    const file = tarballs[name];
    if (!file) {
      fail(`@leakproof/${name}`, `no tarball in ${basename(dest)}`);
      continue;
    }
    const into = join(work, 'inspect', name);
    mkdirSync(into, { recursive: true });
    const untar = await run('tar', ['-xzf', file, '-C', into]);
    if (untar.code !== 0) {
      fail(`@leakproof/${name}`, 'the tarball does not extract', untar.output);
      continue;
    }
    sizes.push(`${basename(file)} ${(statSync(file).size / 1024).toFixed(1)} kB packed`);
    inspect(name, join(into, 'package'));
  }
  log(`tarballs: ${sizes.join(', ')}`);
  return tarballs;
}

// Paths that exist only on the machine that built the package.
const MACHINE_PATH =
  /(?:\/(?:home|root|Users|tmp|work|private\/var)\/[\w.-]+|[A-Z]:\\\\[\w.-]+|node_modules\/\.pnpm\/)/;

function inspect(name, dir) {
  const where = `@leakproof/${name} tarball`;
  const files = walk(dir).map((f) => relative(dir, f));
  for (const required of ['LICENSE', 'README.md', 'package.json']) {
    if (!files.includes(required)) fail(where, `has no ${required}`);
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) fail(where, `${field}.${dep} is still "${range}"`);
    }
  }
  for (const file of files) {
    if (file.endsWith('.map')) fail(where, `ships a source map (${file})`);
    const text = readFileSync(join(dir, file), 'utf8');
    if (/[#@] sourceMappingURL=/.test(text)) fail(where, `${file} points at a source map`);
    const lines = text.split('\n');
    const index = lines.findIndex((line) => MACHINE_PATH.test(line));
    if (index >= 0) {
      fail(where, `${file}:${index + 1} contains a build-machine path`, lines[index].slice(0, 300));
    }
  }
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** `file:` specs for every tarball, as dependencies and as overrides (for the transitive ones). */
function tarballSpecs(tarballs) {
  return Object.fromEntries(
    Object.entries(tarballs).map(([name, file]) => [`@leakproof/${name}`, `file:${file}`]),
  );
}

// 2–4. The consumer project -------------------------------------------------------------------

async function consumerProject(tarballs) {
  // Two throwaway projects, installed side by side: `types` without the optional ioredis peer
  // (the declarations must compile without it), `run` with it (the redis programs talk to Redis).
  const specs = tarballSpecs(tarballs);
  const project = (name, extra) => {
    const dir = join(work, name);
    writeJson(join(dir, 'package.json'), {
      name: `leakproof-consumer-${name}`,
      private: true,
      dependencies: { ...specs, 'prom-client': '^15.1.3', ...extra },
      devDependencies: { typescript: '~5.9.3', '@types/node': '^20.19.0' },
      overrides: Object.fromEntries(Object.keys(specs).map((dep) => [dep, `$${dep}`])),
    });
    return dir;
  };
  const types = project('types', {});
  const app = project('run', { ioredis: '^5.8.2' });
  let since = Date.now();
  const installs = await Promise.all(
    [types, app].map(async (dir) => {
      const install = await run('npm', NPM_INSTALL, { cwd: dir, timeoutMs: 300_000 });
      if (install.code !== 0)
        fail(`${basename(dir)} project`, '`npm install` of the tarballs failed', install.output);
      return install.code === 0;
    }),
  );
  if (installs.includes(false)) return;
  if (existsSync(join(types, 'node_modules', 'ioredis'))) {
    fail('types project', 'ioredis was installed though it is an optional peer of @leakproof/redis');
  }
  log(`installed the tarballs into two fresh projects, without and with ioredis (${seconds(since)})`);

  const programs = join(ROOT, 'test', 'consumer', 'programs');
  const runs = [];
  if (wants('types')) {
    since = Date.now();
    const checks = [
      ...SETUPS.map((setup) => ({
        setup,
        project: types,
        where: `${setup.name} (${setup.what}; ioredis not installed)`,
      })),
      { setup: SETUPS[0], project: app, where: `${SETUPS[0].name} (${SETUPS[0].what}; ioredis installed)` },
    ];
    await pool(
      checks.map(({ setup, project: root, where }) => async () => {
        const dir = join(root, setup.name);
        cpSync(programs, join(dir, 'src'), { recursive: true });
        writeJson(join(dir, 'package.json'), { private: true, type: setup.type });
        writeJson(join(dir, 'tsconfig.json'), {
          compilerOptions: { ...STRICT, ...setup.options },
          include: ['src'],
        });
        const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
        const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], {
          cwd: dir,
        });
        if (result.code !== 0) fail(where, 'tsc reported errors', result.output);
        if (root === app) return;
        // The emitted programs run in the project that has ioredis.
        cpSync(join(dir, 'package.json'), join(app, `${setup.name}-out`, 'package.json'));
        if (existsSync(join(dir, 'out')))
          cpSync(join(dir, 'out'), join(app, `${setup.name}-out`), { recursive: true });
        for (const name of PACKAGES) {
          const file = join(app, `${setup.name}-out`, `${name}.js`);
          runs.push({
            where: `${setup.name}: node ${name}.js (compiled by tsc)`,
            cwd: join(app, `${setup.name}-out`),
            file,
          });
        }
      }),
      2,
    );
    log(`type-checked ${PACKAGES.length} programs in ${checks.length} setups (${seconds(since)})`);
  }
  if (wants('js')) {
    const js = join(ROOT, 'test', 'consumer', 'js');
    for (const [type, ext] of [
      ['module', '.mjs'],
      ['commonjs', '.cjs'],
    ]) {
      const dir = join(app, `js-${type === 'module' ? 'esm' : 'cjs'}`);
      mkdirSync(dir);
      writeJson(join(dir, 'package.json'), { private: true, type });
      for (const name of PACKAGES) {
        const source = readFileSync(join(js, `${name}.mjs`), 'utf8');
        writeFileSync(join(dir, `${name}${ext}`), ext === '.cjs' ? toCommonJs(source) : source);
        const kind = ext === '.cjs' ? 'CommonJS' : 'ESM';
        runs.push({
          where: `plain JavaScript ${kind}: node ${name}${ext}`,
          cwd: dir,
          file: join(dir, `${name}${ext}`),
        });
      }
    }
  }
  since = Date.now();
  await pool(
    runs.map((r) => async () => {
      if (!existsSync(r.file)) return fail(r.where, 'the program was not emitted (see the tsc errors above)');
      const result = await run(process.execPath, [r.file], { cwd: r.cwd, timeoutMs: 60_000 });
      if (result.timedOut)
        fail(r.where, 'did not exit within 60 s (something keeps the process alive)', result.output);
      else if (result.code !== 0) fail(r.where, `exited with code ${result.code}`, result.output);
    }),
    2,
  );
  log(`ran ${runs.length} programs on Node ${process.versions.node} (${seconds(since)})`);
}

/** The CommonJS twin of a test/consumer/js program: its `import` lines become `require`s. */
function toCommonJs(source) {
  return source
    .replace(/^import (\w+), \{([^}]+)\} from '([^']+)';$/gm, "import $1 from '$3';\nimport {$2} from '$3';")
    .replace(/^import (\w+) from '([^']+)';$/gm, "const $1 = require('$2');")
    .replace(/^import \{([^}]+)\} from '([^']+)';$/gm, (_, names, from) => {
      const bindings = names
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
        .map((n) => n.replace(/^(\w+) as (\w+)$/, '$1: $2'));
      return `const { ${bindings.join(', ')} } = require('${from}');`;
    });
}

// 5. The examples -----------------------------------------------------------------------------

async function examples(tarballs) {
  const since = Date.now();
  const specs = tarballSpecs(tarballs);
  const names = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'package.json')))
    .map((d) => d.name);
  const copies = names.map((name) => {
    const from = join(ROOT, 'examples', name);
    const to = join(work, 'examples', name);
    cpSync(from, to, {
      recursive: true,
      filter: (src) => !/(^|\/)(node_modules|dist|leak-gallery-report)(\/|$)/.test(relative(from, src)),
    });
    const manifest = JSON.parse(readFileSync(join(to, 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      for (const dep of Object.keys(manifest[field] ?? {})) {
        if (String(manifest[field][dep]).startsWith('workspace:')) {
          if (!specs[dep])
            fail(`examples/${name}`, `${field}.${dep} is a workspace package that is not published`);
          else manifest[field][dep] = specs[dep];
        }
      }
    }
    // Transitive @leakproof packages come from the tarballs too, never from the registry.
    manifest.overrides = Object.fromEntries(
      Object.keys(specs).map((dep) => [dep, manifest.dependencies?.[dep] ? `$${dep}` : specs[dep]]),
    );
    writeJson(join(to, 'package.json'), manifest);
    return { name, dir: to, manifest };
  });
  await pool(
    copies.map(({ name, dir, manifest }) => async () => {
      const where = `examples/${name} (a copy outside the repository)`;
      const started = Date.now();
      const install = await run('npm', NPM_INSTALL, { cwd: dir, timeoutMs: 300_000 });
      if (install.code !== 0) return fail(where, '`npm install` failed', install.output);
      const script = manifest.scripts?.test ? 'test' : undefined;
      if (!script) return fail(where, 'its package.json has no "test" script: `npm test` cannot run it');
      const result = await run('npm', ['test', '--silent'], { cwd: dir, timeoutMs: 300_000 });
      if (result.timedOut) fail(where, '`npm test` did not finish within 300 s', result.output);
      else if (result.code !== 0) fail(where, `\`npm test\` exited with code ${result.code}`, result.output);
      else log(`examples/${name}: npm install && npm test passed (${seconds(started)})`);
    }),
    2,
  );
  log(`ran ${copies.length} examples from copies (${seconds(since)})`);
}

function writeJson(file, value) {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

// Last, once every declaration above is initialised.
try {
  await main();
} catch (error) {
  fail('consumer test', 'crashed', error?.stack ?? String(error));
} finally {
  if (keep) log(`kept ${work}`);
  cleanup();
}

log(`done in ${seconds(started)}`);
if (failures.length > 0) {
  console.error(`\n${failures.length} consumer check(s) failed:`);
  for (const f of failures) {
    // The first lines of the output say which package: tsc names the file, a program its package.
    const first = f.output
      .split('\n')
      .filter((line) => /error TS|Error:|\.ts\(/.test(line))
      .slice(0, 3);
    console.error(`  - ${f.where}: ${f.message}${first.map((line) => `\n      ${line.trim()}`).join('')}`);
  }
  process.exit(1);
}
console.log('every consumer check passed');
