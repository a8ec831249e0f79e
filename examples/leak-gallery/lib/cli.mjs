// Command-line flags of the gallery.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: node examples/leak-gallery/gallery.mjs [options]   (or: pnpm demo -- [options])

Runs each classic leak twice, plain and leakproof, in separate processes, and compares heap growth.

Options:
  --scene <id|n>   run only this scene (repeatable, or comma-separated): ${'{SCENES}'}
  --ops <n>        operations per scene after warm-up (default: each scene's own, 5,000 to 30,000)
  --samples <n>    heap samples per run, 5 to 200 (default: 20)
  --out <dir>      where to write the HTML report (default: ./leak-gallery-report)
  --json           print the results as JSON on stdout (the table goes to stderr)
  --no-where       skip findLeaks (by default each run ends with it, to show where the
                   memory that stays is allocated and what holds it)
  -h, --help       show this message

Scene "shared-cache" runs only when REDIS_URL is set.`;

export class UsageError extends Error {}

function integer(name, raw, min, max) {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`Expected \`--${name}\` to be an integer from ${min} to ${max}, got \`${raw}\``);
  }
  return value;
}

/** Parses argv into options, or throws UsageError. `scenes` is the list the gallery knows. */
export function parseCli(argv, scenes) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        scene: { type: 'string', multiple: true },
        ops: { type: 'string' },
        samples: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        'no-where': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values } = parsed;
  const wanted = (values.scene ?? []).flatMap((s) => s.split(',')).filter(Boolean);
  const selected = [];
  for (const w of wanted) {
    const scene = scenes.find((s) => s.id === w || String(s.number) === w);
    if (!scene)
      throw new UsageError(
        `Unknown scene \`${w}\`; expected one of ${scenes.map((s) => `${s.number}/${s.id}`).join(', ')}`,
      );
    if (!selected.includes(scene)) selected.push(scene);
  }
  if (values.out === '') throw new UsageError('Expected `--out` to be a directory, got an empty string');
  return {
    help: values.help,
    json: values.json,
    where: !values['no-where'],
    scenes: selected.length ? selected.sort((a, b) => a.number - b.number) : undefined,
    ops: integer('ops', values.ops, 100, 10_000_000),
    samples: integer('samples', values.samples, 5, 200) ?? 20,
    out: values.out ?? 'leak-gallery-report',
  };
}

export function usage(scenes) {
  return USAGE.replace('{SCENES}', scenes.map((s) => `${s.number}/${s.id}`).join(', '));
}
