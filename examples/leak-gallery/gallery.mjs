#!/usr/bin/env node
// The leak gallery: each classic leak, plain and leakproof, under the same load, each in
// its own process with --expose-gc; heap sampled after forced GC; a table in the terminal
// and an HTML report with one SVG chart per scene. `--help` for the flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { resolve } from 'node:path';
import { parseCli, UsageError, usage } from './lib/cli.mjs';
import { createProgress } from './lib/progress.mjs';
import { renderHtml } from './lib/report.mjs';
import { runVariant } from './lib/run-variant.mjs';
import { summarize } from './lib/stats.mjs';
import { renderTable, renderWhere } from './lib/table.mjs';
import { scenes } from './scenes/index.mjs';

const VARIANTS = ['plain', 'leakproof'];

/** Why a scene's variant cannot run here, or undefined when it can. */
async function unavailable(scene, variant) {
  for (const name of scene.env ?? []) {
    if (!process.env[name]) return `set ${name} to run it`;
  }
  for (const pkg of variant === 'plain' ? (scene.requiresPlain ?? []) : scene.requires) {
    try {
      await import(pkg);
    } catch {
      return `${pkg} is not built (run \`npx -y pnpm@10 build\`)`;
    }
  }
  return undefined;
}

async function main() {
  let options;
  try {
    options = parseCli(process.argv.slice(2), scenes);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${usage(scenes)}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(`${usage(scenes)}\n`);
    return 0;
  }
  // Without --scene, scenes needing a service that is not configured are left out quietly.
  const chosen = options.scenes ?? scenes.filter((s) => (s.env ?? []).every((name) => process.env[name]));
  const human = options.json ? process.stderr : process.stdout;
  const progress = createProgress(process.stderr, chosen.length * VARIANTS.length);

  const results = [];
  for (const scene of chosen) {
    const ops = options.ops ?? scene.defaultOps;
    const entry = {
      id: scene.id,
      number: scene.number,
      title: scene.title,
      problem: scene.problem,
      plain: scene.plain,
      leakproof: scene.leakproof,
      ops,
      warmupOps: scene.warmupOps,
      leakBytesPerOp: scene.leakBytesPerOp,
      variants: {},
    };
    for (const variant of VARIANTS) {
      const label = `${scene.number}. ${scene.title} · ${variant}`;
      const why = await unavailable(scene, variant);
      if (why) {
        entry.variants[variant] = { skipped: why };
        progress.finish(label, `skipped (${why})`);
        continue;
      }
      progress.start(label);
      try {
        const run = await runVariant(scene, variant, {
          ops,
          samples: options.samples,
          where: options.where,
          onSample: (s) => progress.update(s.ops / ops),
        });
        const summary = summarize(run.samples, scene.leakBytesPerOp);
        entry.variants[variant] = { ...summary, samples: run.samples, notes: run.notes, sites: run.sites };
        progress.finish(label, `${summary.bytesPerOp.toFixed(1)} B/op, ${summary.verdict}`);
      } catch (error) {
        entry.variants[variant] = { error: error.message };
        progress.finish(label, 'error');
      }
    }
    results.push(entry);
  }
  progress.done();

  const result = {
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    date: new Date().toISOString(),
    samples: options.samples,
    scenes: results,
  };
  const dir = resolve(options.out);
  mkdirSync(dir, { recursive: true });
  const reportPath = resolve(dir, 'index.html');
  writeFileSync(reportPath, renderHtml(result));
  result.report = reportPath;

  const where = options.where ? `\n\n${renderWhere(results)}` : '';
  human.write(`\n${renderTable(results)}${where}\n\nHTML report: ${reportPath}\n`);
  if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

  // Exit 1 when a run failed or a leakproof variant grew: the gallery is also a check.
  const failed = results.some(
    (s) => VARIANTS.some((v) => s.variants[v].error) || s.variants.leakproof.verdict === 'grows',
  );
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
