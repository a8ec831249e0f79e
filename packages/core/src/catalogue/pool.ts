import { defineErrors } from './define.js';

/** The codes of @leakproof/pool. */
export const poolErrors = defineErrors({});
