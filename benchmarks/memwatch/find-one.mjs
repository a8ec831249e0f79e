// Profiles one program in a fresh process and prints what findLeaks said, with its cost.
// Usage: node --expose-gc find-one.mjs <program id> [--retainers] [--ops N]
import { findLeaks, gc } from '@leakproof/memwatch';
import { programs } from './programs.mjs';

const [id, ...flags] = process.argv.slice(2);
const retainers = flags.includes('--retainers');
const opsAt = flags.indexOf('--ops');
const ops = opsAt === -1 ? 20_000 : Number(flags[opsAt + 1]);
const program = programs.find((p) => p.id === id);
if (!program) throw new Error(`no program ${id}`);
const { op, teardown } = await program.create();
gc();
const rssBefore = process.memoryUsage().rss;
const heapBefore = process.memoryUsage().heapUsed;
const report = await findLeaks(op, {
  ops,
  retainers,
  top: 3,
  ...(program.warmupOps === undefined ? {} : { warmupOps: program.warmupOps }),
});
const peakRss = process.resourceUsage().maxRSS * 1024;
await teardown?.();
const user = (site) =>
  site.stack.filter((f) => f.url !== '' && !f.url.startsWith('node:')).map((f) => f.functionName);
process.stdout.write(
  `${JSON.stringify({
    id,
    durationMs: report.durationMs,
    heapBefore,
    rssBefore,
    peakRss,
    sites: report.sites.map((s) => ({
      location: s.location,
      userFrames: user(s),
      bytesPerOp: s.bytesPerOp,
      retainers: s.retainers?.text,
    })),
  })}\n`,
);
process.exit(0);
