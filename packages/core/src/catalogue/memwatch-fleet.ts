import { defineErrors } from './define.js';

/** The codes of @leakproof/memwatch (fleet view, Prometheus). */
export const memwatchFleetErrors = defineErrors({});
