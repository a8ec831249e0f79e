export { type ForEachOptions, forEach } from './consumers/for-each.js';
export { reduce } from './consumers/reduce.js';
export { type ToArrayOptions, toArray } from './consumers/to-array.js';
export { type ToReadableOptions, toReadable } from './consumers/to-readable.js';
export { pipe } from './pipe.js';
export { type ItemOf, isSource, type Source } from './source.js';
export type { Stage, StageOptions, StageStats, WorkContext } from './stage.js';
export { buffer } from './stages/buffer.js';
export { type ChunkOptions, chunk } from './stages/chunk.js';
export { drop } from './stages/drop.js';
export { filter } from './stages/filter.js';
export { type FlatMapOptions, flatMap } from './stages/flat-map.js';
export { from } from './stages/from.js';
export { map } from './stages/map.js';
export { type MapConcurrentOptions, mapConcurrent } from './stages/map-concurrent.js';
export { type MergeOptions, merge } from './stages/merge.js';
export {
  type FetchPage,
  type Page,
  type PageRequest,
  type PaginateOptions,
  paginate,
} from './stages/paginate.js';
export { take } from './stages/take.js';
export { tap } from './stages/tap.js';
