// Fresh, flat heap strings of a known size: what a product description, a session or a
// row really costs. (`'x'.repeat(n)` and `padEnd` can share storage, which would hide a leak.)

/** A new one-byte string of exactly `bytes` characters, different for each `seed`. */
export function text(bytes, seed) {
  return Buffer.alloc(bytes, 97 + (seed % 26)).toString('latin1');
}
