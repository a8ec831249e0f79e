// Every program the accuracy benchmark profiles: the leak gallery's plain scenes (and their
// leakproof variants, which must show no site) plus the leak programs of memwatch's tests.
// Each: { id, group, allocates, holder, expectSites, create() → { op(i), teardown?() } }.

import { scenes } from '../../examples/leak-gallery/scenes/index.mjs';
import {
  boundedPrograms,
  leakPrograms,
} from '../../packages/memwatch/test/fixtures/leak-programs/programs.mjs';

// What allocates the leaked objects in each plain gallery scene, and what holds them.
const GALLERY = {
  cache: { allocates: 'loadProduct', holder: /"cache"/ },
  listeners: { allocates: 'request', holder: /_events|EventEmitter/ },
  registry: { allocates: 'step', holder: /Set|connectedUsers/ },
  closure: { allocates: 'replacePlain', holder: /"previous"/ },
  pool: { allocates: 'connect', holder: /"borrowed"/ },
  report: { allocates: 'row', holder: /"rows"|Array\[\d+\] ← closure step/ },
};

function galleryProgram(scene, variant) {
  return {
    id: `gallery/${scene.id}${variant === 'plain' ? '' : ' (leakproof)'}`,
    warmupOps: Math.max(scene.warmupOps, 5_000),
    group: variant === 'plain' ? 'gallery' : 'bounded',
    allocates: variant === 'plain' ? GALLERY[scene.id].allocates : undefined,
    holder: variant === 'plain' ? GALLERY[scene.id].holder : undefined,
    async create() {
      // Enough operations for the scene's own run. No bulk warm-up: code optimised (and
      // on-stack replaced) in a long loop can escape the sampling; findLeaks warms up itself.
      const impl = await scene.run(variant, { totalOps: 10_000_000 });
      let next = 0;
      return {
        op: () => impl.step(next, ++next),
        teardown: () => impl.close?.(),
      };
    },
  };
}

export const programs = [
  ...scenes
    .filter((s) => s.id in GALLERY)
    .flatMap((s) => [galleryProgram(s, 'plain'), galleryProgram(s, 'leakproof')]),
  ...leakPrograms.map((p) => ({ ...p, group: 'shapes', create: async () => p.create() })),
  ...boundedPrograms.map((p) => ({ ...p, group: 'bounded', create: async () => p.create() })),
];
