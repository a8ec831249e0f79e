import { defineErrors } from './define.js';

/** The codes of @leakproof/memwatch. */
export const memwatchErrors = defineErrors({});
