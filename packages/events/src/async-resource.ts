import { AsyncResource } from 'node:async_hooks';
import { invalidArgType, validateString } from '@leakproof/core';
import { EventEmitterFunction, type EventEmitterOptions } from './emitter.js';
import type { EventEmitterConstructor } from './surface.js';

/** Options of {@link EventEmitterAsyncResource}: the emitter's and `AsyncResource`'s. */
export interface EventEmitterAsyncResourceOptions extends EventEmitterOptions {
  /** The async resource type; required when constructing the class itself. @default new.target.name */
  readonly name?: string | undefined;
  /** As `AsyncResource`'s option. */
  readonly triggerAsyncId?: number | undefined;
  /** As `AsyncResource`'s option. @default false */
  readonly requireManualDestroy?: boolean | undefined;
}

const kAsyncResource: unique symbol = Symbol('leakproof.events.asyncResource');
const emitOf = EventEmitterFunction.prototype.emit as (
  this: object,
  event: string | symbol,
  ...args: unknown[]
) => boolean;

/** The `AsyncResource` of an {@link EventEmitterAsyncResource}, pointing back at it. */
export class EventEmitterReferencingAsyncResource extends AsyncResource {
  readonly #emitter: EventEmitterAsyncResource;

  constructor(emitter: EventEmitterAsyncResource, type: string, options?: EventEmitterAsyncResourceOptions) {
    super(type, options);
    this.#emitter = emitter;
  }

  /** The emitter this resource belongs to. */
  get eventEmitter(): EventEmitterAsyncResource {
    return this.#emitter;
  }
}

function assertInstance(
  target: unknown,
): asserts target is { [kAsyncResource]: EventEmitterReferencingAsyncResource } {
  if ((target as { [kAsyncResource]?: unknown } | null)?.[kAsyncResource] === undefined) {
    throw invalidArgType('this', 'an EventEmitterAsyncResource', target);
  }
}

const Base = EventEmitterFunction as unknown as EventEmitterConstructor;

/**
 * Node's `EventEmitterAsyncResource` on the leakproof emitter: listeners run in the
 * emitter's async context, with the listener limit, `{ signal }` and scopes.
 */
export class EventEmitterAsyncResource extends Base {
  /** @internal */
  [kAsyncResource]: EventEmitterReferencingAsyncResource;

  constructor(options?: EventEmitterAsyncResourceOptions | string) {
    let name: string;
    let opts: EventEmitterAsyncResourceOptions | undefined;
    if (typeof options === 'string') {
      name = options;
      opts = undefined;
    } else {
      if (new.target === EventEmitterAsyncResource) validateString(options?.name, 'options.name');
      name = options?.name || new.target.name;
      opts = options;
    }
    super(opts);
    this[kAsyncResource] = new EventEmitterReferencingAsyncResource(this, name, opts);
  }

  /** Emits within the emitter's async context. */
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    assertInstance(this);
    const resource = this[kAsyncResource];
    return resource.runInAsyncScope(emitOf, this, event, ...args);
  }

  /** Calls every `destroy` hook; call once. */
  emitDestroy(): void {
    assertInstance(this);
    this[kAsyncResource].emitDestroy();
  }

  /** The resource's async id. */
  get asyncId(): number {
    assertInstance(this);
    return this[kAsyncResource].asyncId();
  }

  /** The resource's trigger async id. */
  get triggerAsyncId(): number {
    assertInstance(this);
    return this[kAsyncResource].triggerAsyncId();
  }

  /** The underlying `AsyncResource`. */
  get asyncResource(): EventEmitterReferencingAsyncResource {
    assertInstance(this);
    return this[kAsyncResource];
  }
}
