// A 32-bit hash of any Map key, for the frequency sketch. It only has to spread keys well
// and cost little: the sketch tolerates collisions (they make it overestimate a little).

const float = new Float64Array(1);
const floatWords = new Int32Array(float.buffer);
// Objects and symbols have no value to hash: each gets a random id the first time, held weakly.
const ids = new WeakMap<WeakKey, number>();
let seed = 0x9e3779b9 | 0;

/** Mixes a 32-bit integer (the finaliser of MurmurHash3). */
export function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/** Strings up to this length are hashed whole; longer ones by their length, head and tail. */
const WHOLE = 48;

function hashString(s: string): number {
  const length = s.length;
  let h = 0x811c9dc5 ^ length;
  if (length <= WHOLE) {
    for (let i = 0; i < length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    for (let i = 0; i < WHOLE / 2; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    for (let i = length - WHOLE / 2; i < length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return mix(h);
}

function idOf(key: WeakKey): number {
  let id = ids.get(key);
  if (id === undefined) {
    seed = mix(seed + 0x6d2b79f5);
    id = seed;
    ids.set(key, id);
  }
  return id;
}

/** A 32-bit hash of `key`, consistent with SameValueZero (`-0` and `0` hash alike). */
export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'number':
      if ((key | 0) === key) return mix(key);
      float[0] = key === 0 ? 0 : key; // NaN is one value here, as in a Map
      return mix(floatWords[0]! ^ mix(floatWords[1]!));
    case 'string':
      return hashString(key);
    case 'object':
      return key === null ? 0x2545f491 : idOf(key);
    case 'function':
      return idOf(key);
    case 'symbol':
      // A registered symbol (Symbol.for) cannot be held weakly; its description names it.
      return Symbol.keyFor(key) === undefined ? idOf(key) : hashString(`Symbol.for:${Symbol.keyFor(key)}`);
    case 'bigint':
      return hashString(`${key}n`);
    case 'boolean':
      return key ? 0x1b873593 : 0x7f4a7c15;
    default:
      return 0x68e31da4; // undefined
  }
}
