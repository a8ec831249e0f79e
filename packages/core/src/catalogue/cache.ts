import { defineErrors } from './define.js';

/** The codes of @leakproof/cache. */
export const cacheErrors = defineErrors({});
