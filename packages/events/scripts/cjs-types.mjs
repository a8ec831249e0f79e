// Writes dist/index.d.cts from dist/index.d.ts. The CommonJS build assigns the
// EventEmitter constructor to `module.exports` (as `require('events')` does), so its types
// must say `export =`: the constructor (whose statics carry every value export) merged
// with a types-only namespace re-exporting every named type.
//
// tsup runs this from `onSuccess`, which fires before its declaration build finishes, so
// it waits for a dist/index.d.ts newer than its own start.
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const dist = new URL('../dist/', import.meta.url);
const dts = new URL('index.d.ts', dist);
const started = Date.now() - 1000;
const fresh = () => {
  try {
    return statSync(dts).mtimeMs >= started;
  } catch {
    return false;
  }
};
for (let waited = 0; !fresh(); waited += 100) {
  if (waited > 180_000) throw new Error('dist/index.d.ts was not written; did the declaration build fail?');
  await sleep(100);
}
await sleep(200); // let the writer finish
const esm = readFileSync(dts, 'utf8');
const match = /^export \{([^}]*)\};\s*$/m.exec(esm);
if (match === null) throw new Error('dist/index.d.ts has no final export list');
const names = match[1]
  .split(',')
  .map((s) => s.trim().replace(/^type\s+/, ''))
  .filter((s) => s !== '' && !/\sas\s+default$/.test(s));
const body = esm.slice(0, match.index).replace(/\n*$/, '\n');
writeFileSync(
  new URL('index.d.cts', dist),
  `${body}
declare namespace EventEmitter {
  export type { ${names.join(', ')} };
}
export = EventEmitter;
`,
);
console.log('CJS dist/index.d.cts');
