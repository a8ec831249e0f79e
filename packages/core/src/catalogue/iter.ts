import { defineErrors } from './define.js';

/**
 * The codes of @leakproof/iter. Its other errors use codes shared by every package:
 * `ERR_INVALID_ARG_TYPE`, `ERR_OUT_OF_RANGE` (also for the run-time bounds `toArray`'s `max`
 * and `paginate`'s `maxPages`), `ERR_INVALID_ARG_VALUE`, `ERR_INVALID_RETURN_VALUE` and
 * `ABORT_ERR`.
 */
export const iterErrors = defineErrors({
  ERR_CURSOR_REPEATED: {
    kind: 'LeakproofError',
    summary: "`paginate`'s `fetchPage` returned the cursor it was given: paging would never end",
    message: (p: { cursor: string }) =>
      `fetchPage returned the cursor it was given (${p.cursor}): paging would never end`,
  },
});
