import { defineErrors } from './define.js';

/** The codes of @leakproof/iter. */
export const iterErrors = defineErrors({});
