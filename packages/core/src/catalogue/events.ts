import { defineErrors } from './define.js';

/** The codes of @leakproof/events. */
export const eventsErrors = defineErrors({});
