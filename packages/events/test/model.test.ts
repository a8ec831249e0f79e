// Model-based property test: random sequences of on/once/off/prepend/emit/scope adds,
// scope disposal and aborts against a plain model of each emitter's listener lists.
import { createScope, EventEmitter, type ListenerScope } from '@leakproof/events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const EVENTS = ['a', 'b'] as const;
type EventName = (typeof EVENTS)[number];

interface ModelListener {
  id: number;
  once: boolean;
  owner: number | undefined; // scope index
  signal: number | undefined; // controller index
}

interface Model {
  lists: Record<EventName, ModelListener[]>[];
  disposed: boolean[];
  aborted: boolean[];
  calls: number[];
}

interface Real {
  emitters: EventEmitter[];
  scopes: ListenerScope[];
  controllers: AbortController[];
  fns: Map<number, () => void>;
  calls: number[];
  nextId: number;
}

const EMITTERS = 2;
const SCOPES = 3;
const CONTROLLERS = 2;

function setup(): { model: Model; real: Real } {
  const calls: number[] = [];
  return {
    model: {
      lists: Array.from({ length: EMITTERS }, () => ({ a: [], b: [] })),
      disposed: Array(SCOPES).fill(false),
      aborted: Array(CONTROLLERS).fill(false),
      calls: [],
    },
    real: {
      emitters: Array.from({ length: EMITTERS }, () => new EventEmitter()),
      scopes: Array.from({ length: SCOPES }, () => createScope()),
      controllers: Array.from({ length: CONTROLLERS }, () => new AbortController()),
      fns: new Map(),
      calls,
      nextId: 0,
    },
  };
}

function newListener(real: Real): [number, () => void] {
  const id = real.nextId++;
  const fn = () => {
    real.calls.push(id);
  };
  real.fns.set(id, fn);
  return [id, fn];
}

function removeWhere(model: Model, pred: (l: ModelListener) => boolean): void {
  for (const lists of model.lists) for (const ev of EVENTS) lists[ev] = lists[ev].filter((l) => !pred(l));
}

class Add implements fc.Command<Model, Real> {
  constructor(
    readonly emitter: number,
    readonly event: EventName,
    readonly once: boolean,
    readonly prepend: boolean,
    readonly via: { kind: 'plain' } | { kind: 'signal'; index: number } | { kind: 'scope'; index: number },
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const [id, fn] = newListener(real);
    const e = real.emitters[this.emitter]!;
    const entry: ModelListener = { id, once: this.once, owner: undefined, signal: undefined };
    if (this.via.kind === 'scope') {
      const scope = real.scopes[this.via.index]!;
      if (model.disposed[this.via.index]) {
        expect(() => scope.on(e, this.event, fn)).toThrow(
          expect.objectContaining({ code: 'ERR_SCOPE_DISPOSED' }),
        );
        return;
      }
      if (this.once) scope.once(e, this.event, fn);
      else scope.on(e, this.event, fn);
      entry.owner = this.via.index;
      model.lists[this.emitter]![this.event].push(entry);
      return;
    }
    const options =
      this.via.kind === 'signal' ? { signal: real.controllers[this.via.index]!.signal } : undefined;
    if (this.via.kind === 'signal') {
      if (model.aborted[this.via.index]) {
        e.on(this.event, fn, options);
        return; // an aborted signal adds nothing
      }
      entry.signal = this.via.index;
    }
    const method = this.once
      ? this.prepend
        ? 'prependOnceListener'
        : 'once'
      : this.prepend
        ? 'prependListener'
        : 'on';
    e[method](this.event, fn, options);
    const list = model.lists[this.emitter]![this.event];
    if (this.prepend) list.unshift(entry);
    else list.push(entry);
  }
  toString = () =>
    `add(${this.emitter},${this.event},once=${this.once},prepend=${this.prepend},${JSON.stringify(this.via)})`;
}

class Off implements fc.Command<Model, Real> {
  constructor(
    readonly emitter: number,
    readonly event: EventName,
    readonly pick: number,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const list = model.lists[this.emitter]![this.event];
    if (list.length === 0) return;
    const target = list[this.pick % list.length]!;
    real.emitters[this.emitter]!.off(this.event, real.fns.get(target.id)!);
    list.splice(list.indexOf(target), 1);
  }
  toString = () => `off(${this.emitter},${this.event},${this.pick})`;
}

class Emit implements fc.Command<Model, Real> {
  constructor(
    readonly emitter: number,
    readonly event: EventName,
  ) {}
  check = () => true;
  run(model: Model, real: Real): void {
    const list = model.lists[this.emitter]![this.event];
    const expected = list.map((l) => l.id);
    model.lists[this.emitter]![this.event] = list.filter((l) => !l.once);
    real.calls.length = 0;
    const returned = real.emitters[this.emitter]!.emit(this.event);
    expect(returned).toBe(expected.length > 0);
    expect(real.calls).toEqual(expected);
  }
  toString = () => `emit(${this.emitter},${this.event})`;
}

class DisposeScope implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    real.scopes[this.index]!.dispose();
    model.disposed[this.index] = true;
    removeWhere(model, (l) => l.owner === this.index);
  }
  toString = () => `dispose(${this.index})`;
}

class Abort implements fc.Command<Model, Real> {
  constructor(readonly index: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    real.controllers[this.index]!.abort();
    model.aborted[this.index] = true;
    removeWhere(model, (l) => l.signal === this.index);
  }
  toString = () => `abort(${this.index})`;
}

const emitterArb = fc.integer({ min: 0, max: EMITTERS - 1 });
const eventArb = fc.constantFrom(...EVENTS);
const commands = [
  fc
    .tuple(
      emitterArb,
      eventArb,
      fc.boolean(),
      fc.boolean(),
      fc.oneof(
        fc.constant({ kind: 'plain' as const }),
        fc.record({
          kind: fc.constant('signal' as const),
          index: fc.integer({ min: 0, max: CONTROLLERS - 1 }),
        }),
        fc.record({ kind: fc.constant('scope' as const), index: fc.integer({ min: 0, max: SCOPES - 1 }) }),
      ),
    )
    .map(([e, ev, once, prepend, via]) => new Add(e, ev, once, via.kind === 'scope' ? false : prepend, via)),
  fc.tuple(emitterArb, eventArb, fc.nat(20)).map(([e, ev, pick]) => new Off(e, ev, pick)),
  fc.tuple(emitterArb, eventArb).map(([e, ev]) => new Emit(e, ev)),
  fc.integer({ min: 0, max: SCOPES - 1 }).map((i) => new DisposeScope(i)),
  fc.integer({ min: 0, max: CONTROLLERS - 1 }).map((i) => new Abort(i)),
];

describe('model', () => {
  it('listener lists, emit order and counts match the model; disposing every scope and aborting every signal leaves only plain listeners', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const { model, real } = setup();
        fc.modelRun(() => ({ model, real }), cmds);
        for (let i = 0; i < EMITTERS; i++) {
          for (const ev of EVENTS) {
            expect(real.emitters[i]!.listenerCount(ev)).toBe(model.lists[i]![ev].length);
          }
        }
        for (const scope of real.scopes) scope.dispose();
        for (const c of real.controllers) c.abort();
        removeWhere(model, (l) => l.owner !== undefined || l.signal !== undefined);
        for (let i = 0; i < EMITTERS; i++) {
          const e = real.emitters[i]!;
          for (const ev of EVENTS) expect(e.listenerCount(ev)).toBe(model.lists[i]![ev].length);
          expect(e.stats().scopes).toBe(0);
          expect(e.stats().signalBound).toBe(0);
          // Plain listeners were the starting point plus the plain adds; remove them and the count is back to zero.
          e.removeAllListeners();
          expect(e.stats().listeners).toBe(0);
        }
        for (const scope of real.scopes) expect(scope.size).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
