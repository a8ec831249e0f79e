import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MemoryWatcher, watchMemory } from '../src/watch-memory.js';

// Model: the watcher alarms once per upward crossing of the threshold, and re-arms only
// after pressure has been seen below it.
interface Model {
  pressure: number;
  above: boolean;
  alarms: number;
  ticks: number;
}
interface Real {
  watcher: MemoryWatcher;
  pressure: { value: number };
  alarms: number[];
}

const THRESHOLD = 0.8;

class SetPressure implements fc.Command<Model, Real> {
  constructor(readonly value: number) {}
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    model.pressure = this.value;
    real.pressure.value = this.value;
  }
  toString(): string {
    return `pressure = ${this.value}`;
  }
}

class Tick implements fc.Command<Model, Real> {
  check(): boolean {
    return true;
  }
  run(model: Model, real: Real): void {
    model.ticks++;
    const above = model.pressure >= THRESHOLD;
    if (above && !model.above) model.alarms++;
    model.above = above;
    real.watcher.tick();
    expect(real.alarms).toHaveLength(model.alarms);
    expect(real.watcher.stats()).toMatchObject({
      ticks: model.ticks,
      pressureAlarms: model.alarms,
      lastPressure: model.pressure,
    });
    if (real.alarms.length > 0) expect(real.alarms.at(-1)).toBeGreaterThanOrEqual(THRESHOLD);
  }
  toString(): string {
    return 'tick';
  }
}

describe('watchMemory pressure alarms against a model', () => {
  it('alarm once per upward crossing, whatever the sequence', () => {
    const commands = [
      fc.double({ min: 0, max: 1.5, noNaN: true }).map((v) => new SetPressure(v)),
      fc.constantFrom(0.79, 0.8, 0.81).map((v) => new SetPressure(v)), // around the edge
      fc.constant(new Tick()),
    ];
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 60 }), (cmds) => {
        const pressure = { value: 0 };
        const alarms: number[] = [];
        const watcher = watchMemory({
          intervalMs: 1_000_000,
          pressureThreshold: THRESHOLD,
          pressure: () => pressure.value,
          onPressure: (a) => alarms.push(a.pressure),
        });
        try {
          fc.modelRun(
            () => ({
              model: { pressure: 0, above: false, alarms: 0, ticks: 0 },
              real: { watcher, pressure, alarms },
            }),
            cmds,
          );
        } finally {
          watcher.dispose();
        }
      }),
      { numRuns: 100 },
    );
  });
});
