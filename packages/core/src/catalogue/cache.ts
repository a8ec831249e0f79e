import { defineErrors } from './define.js';

/** The codes of @leakproof/cache. */
export const cacheErrors = defineErrors({
  ERR_CACHE_ENTRY_TOO_LARGE: {
    kind: 'LeakproofError',
    summary:
      '`set`/`add` (and the store after `getOrLoad`/`memoize`) of an entry larger than `maxBytes` on its own; nothing is stored',
    message: (p: { what: string; size: number; maxBytes: number }) =>
      `Entry of ${p.size} bytes does not fit in ${p.what} (maxBytes ${p.maxBytes}); it was not stored`,
  },
  ERR_CACHE_LOAD_ABANDONED: {
    kind: 'AbortError',
    summary: "the reason a load's own signal aborts with when every caller waiting for it has gone",
    message: () => 'Every caller waiting for this load has gone',
  },
});
