// Writes dist/index.d.cts from dist/index.d.ts. The CommonJS build assigns the
// EventEmitter constructor to `module.exports` (as `require('events')` does), so its types
// must say `export =`: the constructor (whose statics carry every value export) merged
// with a types-only namespace re-exporting every named type.
//
// The package's build script runs it with `--now` after tsup has finished (tsup's
// `onSuccess` fires before its declaration build ends, which raced); without `--now` it
// waits for a dist/index.d.ts newer than its own start.
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
// `--now` (by hand, after a build) skips the wait.
for (let waited = 0; !process.argv.includes('--now') && !fresh(); waited += 100) {
  if (waited > 180_000) throw new Error('dist/index.d.ts was not written; did the declaration build fail?');
  await sleep(100);
}
if (!process.argv.includes('--now')) await sleep(200); // let the writer finish
const esm = readFileSync(dts, 'utf8');
const match = /^export \{([^}]*)\};\s*$/m.exec(esm);
if (match === null) throw new Error('dist/index.d.ts has no final export list');
const exported = match[1]
  .split(',')
  .map((s) => s.trim().replace(/^type\s+/, ''))
  .filter((s) => s !== '' && !/\sas\s+default$/.test(s));
let body = esm.slice(0, match.index).replace(/\n*$/, '\n');

// `EventEmitter` is a value (the constructor) and a generic type alias; the alias moves into
// the namespace so the constructor, the namespace and the type can merge.
const alias = /^type EventEmitter(<[^\n]*>) = ([\w$]+)<T>;\n/m.exec(body);
if (alias === null) throw new Error('dist/index.d.ts has no `type EventEmitter<T> = ...` alias');
body = body.replace(alias[0], '');

// Only names with a type meaning go in the namespace (values are the constructor's
// statics). Interfaces and type aliases are re-exported as they are; a class also has a
// value meaning, which would clash with the constructor, so it goes through a type alias.
const kinds = new Map();
const classParams = new Map();
/** The balanced `<...>` starting at `at`, or '' when there is none. */
const paramsAt = (text, at) => {
  if (text[at] !== '<') return '';
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    if (text[i] === '<') depth++;
    else if (text[i] === '>' && text[i - 1] !== '=' && --depth === 0) return text.slice(at, i + 1);
  }
  throw new Error(`unbalanced type parameters at ${at}`);
};
for (const m of body.matchAll(/^(?:declare\s+)?(?:abstract\s+)?(interface|type|class)\s+([\w$]+)/gm)) {
  kinds.set(m[2], m[1]);
  if (m[1] === 'class') classParams.set(m[2], paramsAt(body, m.index + m[0].length));
}
const argsOf = (params) => {
  if (params === '') return '';
  const names = [];
  let depth = 0;
  let current = '';
  for (const ch of params.slice(1, -1)) {
    if (ch === '<' || ch === '(' || ch === '{' || ch === '[') depth++;
    if (ch === '>' || ch === ')' || ch === '}' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      names.push(current);
      current = '';
    } else current += ch;
  }
  names.push(current);
  return `<${names.map((n) => n.trim().split(/\s/)[0]).join(', ')}>`;
};
const plain = [];
const aliases = [];
for (const name of exported) {
  if (name === 'EventEmitter' || !kinds.has(name)) continue;
  if (kinds.get(name) !== 'class') {
    plain.push(name);
    continue;
  }
  const params = classParams.get(name);
  aliases.push(`  export type ${name}${params} = __${name}${argsOf(params)};`);
  body += `type __${name}${params} = ${name}${argsOf(params)};\n`;
}

writeFileSync(
  new URL('index.d.cts', dist),
  `${body}
declare namespace EventEmitter {
  export type EventEmitter${alias[1]} = ${alias[2]}<T>;
${aliases.join('\n')}
  export type { ${plain.join(', ')} };
}
export = EventEmitter;
`,
);
console.log('CJS dist/index.d.cts');
