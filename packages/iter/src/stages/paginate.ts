import {
  createError,
  diagnosticsChannel,
  publish,
  validateFunction,
  validatePositiveInteger,
} from '@leakproof/core';
import { BaseStage } from '../internal/base-stage.js';
import { invalidReturnValue, limitExceeded } from '../internal/errors.js';
import { stageOptions } from '../internal/options.js';
import type { Stage, StageOptions } from '../stage.js';

/** One page as `fetchPage` returns it. */
export interface Page<T, C> {
  /** At most `limit` items. */
  readonly items: readonly T[];
  /** The cursor of the next page; `undefined` or `null` when this was the last page. */
  readonly next: C | undefined | null;
}

/** What `fetchPage` receives besides the cursor. */
export interface PageRequest {
  /** The page size to ask for. */
  readonly limit: number;
  /** Aborted when the pagination closes: pass it to the query so a fetch in flight stops. */
  readonly signal: AbortSignal;
}

/** Fetches the page after `cursor` (`undefined` for the first page). */
export type FetchPage<T, C> = (
  cursor: C | undefined,
  request: PageRequest,
) => PromiseLike<Page<T, C>> | Page<T, C>;

/** Options for {@link paginate}. */
export interface PaginateOptions extends StageOptions {
  /** Page size passed to `fetchPage`; a page with more items fails the stage. Integer 1..2^24. */
  readonly limit: number;
  /**
   * Most pages to fetch. When the last allowed page still has a `next` cursor and more
   * items are asked for, the stage fails with `ERR_OUT_OF_RANGE` rather than silently
   * truncating. @default no limit
   */
  readonly maxPages?: number | undefined;
}

const pageChannel = diagnosticsChannel('iter', 'page');

class PaginateStage<T, C> extends BaseStage<T | T[]> {
  readonly #fetchPage: FetchPage<T, C>;
  readonly #limit: number;
  readonly #maxPages: number;
  readonly #wholePages: boolean;
  #cursor: C | undefined = undefined;
  #items: readonly T[] = [];
  #position = 0;
  #pages = 0;
  #fetching = false;
  #last = false;

  constructor(fetchPage: FetchPage<T, C>, o: PaginateOptions, wholePages: boolean) {
    super(wholePages ? 'paginate.pages' : 'paginate', o, true);
    this.#fetchPage = fetchPage;
    this.#limit = o.limit;
    this.#maxPages = o.maxPages ?? Number.POSITIVE_INFINITY;
    this.#wholePages = wholePages;
  }

  protected override extraStats(): Record<string, number> {
    return {
      pages: this.#pages,
      buffered: this.#items.length - this.#position,
      fetching: this.#fetching ? 1 : 0,
    };
  }

  protected pump(): void {
    while (this.waiting > 0 && this.isOpen) {
      if (this.#position < this.#items.length) {
        if (this.#wholePages) {
          const page = this.#items as T[];
          this.#items = [];
          this.#position = 0;
          this.deliver(page);
        } else {
          const item = this.#items[this.#position++]!;
          this.deliver(item);
        }
        continue;
      }
      if (this.#fetching) return;
      if (this.#last) {
        this.complete();
        return;
      }
      if (this.#pages >= this.#maxPages) {
        // The last allowed page has a next cursor and more items are asked for.
        this.fail(limitExceeded('pages', 'maxPages', this.#maxPages));
        return;
      }
      this.#fetch();
      return;
    }
  }

  protected release(): void {
    // An in-flight fetch saw the signal abort; its outcome is absorbed by #onPage/#onError.
    this.#items = [];
  }

  #fetch(): void {
    this.#fetching = true;
    this.#items = [];
    this.#position = 0;
    let page: PromiseLike<Page<T, C>> | Page<T, C>;
    try {
      page = this.#fetchPage(this.#cursor, { limit: this.#limit, signal: this.workSignal });
    } catch (error) {
      this.#onError(error);
      return;
    }
    Promise.resolve(page).then(this.#onPage, this.#onError);
  }

  readonly #onPage = (page: Page<T, C>): void => {
    this.#fetching = false;
    if (!this.isOpen) return;
    const items = (page as Partial<Page<T, C>> | null)?.items;
    if (!Array.isArray(items)) {
      this.fail(invalidReturnValue('fetchPage', '`{ items: Array, next }`', page));
      return;
    }
    if (items.length > this.#limit) {
      this.fail(
        invalidReturnValue('fetchPage', `at most \`limit\` (${this.#limit}) items`, `${items.length} items`),
      );
      return;
    }
    const next = page.next;
    this.#pages++;
    if (next === undefined || next === null) this.#last = true;
    else if (
      this.#pages > 1 &&
      typeof next !== 'object' &&
      typeof next !== 'function' &&
      Object.is(next, this.#cursor)
    ) {
      this.fail(createError('ERR_CURSOR_REPEATED', { cursor: String(next) }));
      return;
    }
    this.#cursor = next ?? undefined;
    this.#items = items;
    publish(pageChannel, () => ({
      name: this.name,
      page: this.#pages,
      items: items.length,
      last: this.#last,
    }));
    this.pump();
  };

  readonly #onError = (error: unknown): void => {
    this.#fetching = false;
    if (this.isOpen) this.fail(error);
  };
}

function validate<T, C>(fetchPage: FetchPage<T, C>, options: PaginateOptions): PaginateOptions {
  validateFunction(fetchPage, 'fetchPage');
  const o = stageOptions<PaginateOptions>(options, 'paginate', ['limit', 'maxPages']);
  validatePositiveInteger(o.limit, 'options.limit');
  if (o.maxPages !== undefined) {
    validatePositiveInteger(o.maxPages, 'options.maxPages', Number.MAX_SAFE_INTEGER);
  }
  return o as PaginateOptions;
}

/**
 * Yields items page after page from a keyset or cursor API:
 * `fetchPage(cursor, { limit, signal })` returns `{ items, next }` and the next page is
 * fetched only when the current one has been handed out, so at most one page is held.
 * Closing the stage (or aborting `signal`) aborts the signal given to the fetch in
 * flight. `paginate.pages(...)` yields whole pages (arrays) instead of items.
 *
 * @example
 * ```ts
 * const rows = paginate(
 *   async (after, { limit, signal }) => {
 *     const { rows } = await db.query({ text: 'SELECT * FROM t WHERE id > $1 ORDER BY id LIMIT $2', values: [after ?? 0, limit], signal });
 *     return { items: rows, next: rows.length === limit ? rows.at(-1).id : undefined };
 *   },
 *   { limit: 5000 },
 * );
 * ```
 */
export const paginate: {
  <T, C>(fetchPage: FetchPage<T, C>, options: PaginateOptions): Stage<T>;
  /** Like {@link paginate} but yields each page's `items` array. */
  pages<T, C>(fetchPage: FetchPage<T, C>, options: PaginateOptions): Stage<T[]>;
} = Object.assign(
  <T, C>(fetchPage: FetchPage<T, C>, options: PaginateOptions): Stage<T> =>
    new PaginateStage<T, C>(fetchPage, validate(fetchPage, options), false) as BaseStage<T | T[]> as Stage<T>,
  {
    pages: <T, C>(fetchPage: FetchPage<T, C>, options: PaginateOptions): Stage<T[]> =>
      new PaginateStage<T, C>(fetchPage, validate(fetchPage, options), true) as BaseStage<T | T[]> as Stage<
        T[]
      >,
  },
);
