import { defineErrors } from './define.js';

/** The codes of @leakproof/redis. */
export const redisErrors = defineErrors({});
