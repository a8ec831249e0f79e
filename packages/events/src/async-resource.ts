import { AsyncResource } from 'node:async_hooks';
import type { EventEmitterOptions } from './prototype.js';

/** Options of `EventEmitterAsyncResource`: the emitter's and `AsyncResource`'s. */
export interface EventEmitterAsyncResourceOptions extends EventEmitterOptions {
  /**
   * The async resource type; required (a string) when constructing the class itself, and
   * like Node's an empty one falls back to the class name. @default new.target.name
   */
  readonly name?: string | undefined;
  /** As `AsyncResource`'s option. */
  readonly triggerAsyncId?: number | undefined;
  /** As `AsyncResource`'s option. @default false */
  readonly requireManualDestroy?: boolean | undefined;
}

/** The `AsyncResource` of an `EventEmitterAsyncResource`, pointing back at it. */
export class EventEmitterReferencingAsyncResource<E extends object = object> extends AsyncResource {
  readonly #emitter: E;

  constructor(emitter: E, type: string, options?: EventEmitterAsyncResourceOptions) {
    super(type, options);
    this.#emitter = emitter;
  }

  /** The emitter this resource belongs to. */
  get eventEmitter(): E {
    return this.#emitter;
  }
}
