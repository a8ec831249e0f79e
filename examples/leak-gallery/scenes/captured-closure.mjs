// 4. The closure that outlives its use (the classic "Meteor leak"). Closures created in the
// same scope share one context object in V8: `unused` mentions `previous`, so the context
// keeps `previous` alive, and the long-lived `render` closure keeps the context. Each
// replacement chains to the one before it, and every big buffer stays. The fix needs no
// package: copy what is needed into a local and keep nothing else in the shared scope.
import { text } from '../lib/payload.mjs';

const BIG = 4_096;

export default {
  id: 'closure',
  title: 'Captured closure',
  problem: 'A long-lived callback shares its scope with a closure that captures the previous large object.',
  plain: 'render() shares a scope that still references the previous template',
  leakproof: 'the fixed closure captures only what it uses (no package needed)',
  requires: [],
  warmupOps: 500,
  defaultOps: 5_000,
  leakBytesPerOp: 512,
  async run(variant) {
    let current = null;
    const replacePlain = (i) => {
      const previous = current;
      const big = text(BIG, i);
      // Never called, but it keeps `previous` in the scope shared with `render`.
      const unused = () => (previous ? previous.source.length : 0);
      void unused;
      current = { source: big, render: () => big.length };
    };
    const replaceFixed = (i) => {
      const previousLength = current ? current.source.length : 0;
      const big = text(BIG, i);
      const unused = () => previousLength;
      void unused;
      current = { source: big, render: () => big.length };
    };
    const replace = variant === 'plain' ? replacePlain : replaceFixed;
    return {
      step(from, to) {
        for (let i = from; i < to; i++) replace(i);
      },
    };
  },
};
