// The published declarations name no internal type: @internal members are stripped and the
// scope's bookkeeping lives in private fields.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dts = new URL('../dist/index.d.ts', import.meta.url);

describe('dist/index.d.ts', () => {
  it('names none of the internals', () => {
    // Fail, never skip: a missing build must not turn this test green.
    if (!existsSync(dts))
      throw new Error('packages/events/dist is missing: run `npx -y pnpm@10 build` first');
    const text = readFileSync(dts, 'utf8');
    for (const internal of [
      'ScopeState',
      'kScopeState',
      'busyFloor',
      'noteListenerLimit',
      'childOptions',
      'OnceWrapper',
      'kSlot',
      'ownedBySignal',
      'NodeEmitterFields',
    ]) {
      expect({ internal, found: new RegExp(`\\b${internal}\\b`).test(text) }).toEqual({
        internal,
        found: false,
      });
    }
  });
});
