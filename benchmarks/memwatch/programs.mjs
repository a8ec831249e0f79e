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
  pool: { allocates: 'connect', holder: /"borrowed"|Set/ },
  report: { allocates: 'row', holder: /"rows"/ },
};

function galleryProgram(scene, variant) {
  return {
    id: `gallery/${scene.id}${variant === 'plain' ? '' : ' (leakproof)'}`,
    group: variant === 'plain' ? 'gallery' : 'bounded',
    allocates: variant === 'plain' ? GALLERY[scene.id].allocates : undefined,
    holder: variant === 'plain' ? GALLERY[scene.id].holder : undefined,
    async create() {
      // Enough operations for the scene's own run; the warm-up fills every bound first.
      const impl = await scene.run(variant, { totalOps: 10_000_000 });
      await impl.step(0, scene.warmupOps);
      let next = scene.warmupOps;
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
