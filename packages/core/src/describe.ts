/**
 * Renders a received value for an error message: short, type-tagged, never throwing,
 * never walking a large object. `0 (number)`, `'abc' (string)`, `[object Array]`.
 */
export function describeValue(value: unknown): string {
  if (value === null) return '`null`';
  switch (typeof value) {
    case 'undefined':
      return '`undefined`';
    case 'string': {
      const shown = value.length > 40 ? `${value.slice(0, 37)}...` : value;
      return `\`${JSON.stringify(shown)}\` (string)`;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return `\`${String(value)}\` (${typeof value})`;
    case 'symbol':
      return `\`${value.toString()}\` (symbol)`;
    case 'function':
      return `function ${(value as { name?: string | undefined }).name || '<anonymous>'}`;
    default: {
      const ctor = (value as { constructor?: { name?: unknown } | undefined }).constructor;
      const name = typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : 'Object';
      return `an instance of ${name}`;
    }
  }
}
