export { Lease } from './lease.js';
export type { CreateContext, CreateRetryOptions, PoolFactory, PoolOptions } from './options.js';
export {
  type AcquireOptions,
  type CloseOptions,
  createPool,
  Pool,
  type PoolStats,
  type UseOptions,
} from './pool.js';
