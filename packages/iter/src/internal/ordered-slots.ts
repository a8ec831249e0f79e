/**
 * Results waiting to be handed out in source order: a ring indexed from the next position
 * to hand out. It starts small and doubles only when more results are actually held, so a
 * large `concurrency` costs nothing until that much work is in flight.
 */
export class OrderedSlots<U> {
  #values: (U | undefined)[];
  #filled: Uint8Array;
  #mask: number;
  /** Ring position of the next result to hand out. */
  #head = 0;
  /** Source index of the next result to hand out. */
  #next = 0;

  constructor(capacity = 8) {
    this.#values = new Array<U | undefined>(capacity);
    this.#filled = new Uint8Array(capacity);
    this.#mask = capacity - 1;
  }

  /** Stores the result for source position `index` (at or after the next one to hand out). */
  set(index: number, value: U): void {
    const offset = index - this.#next;
    while (offset > this.#mask) this.#grow();
    const position = (this.#head + offset) & this.#mask;
    this.#values[position] = value;
    this.#filled[position] = 1;
  }

  /** True when the next result in order is there. */
  get ready(): boolean {
    return this.#filled[this.#head] === 1;
  }

  /** Takes the next result in order; only when {@link ready}. */
  shift(): U {
    const position = this.#head;
    const value = this.#values[position] as U;
    this.#values[position] = undefined;
    this.#filled[position] = 0;
    this.#head = (position + 1) & this.#mask;
    this.#next++;
    return value;
  }

  /** Drops every held result. */
  clear(): void {
    this.#values.fill(undefined);
    this.#filled.fill(0);
  }

  #grow(): void {
    const capacity = this.#mask + 1;
    const values = new Array<U | undefined>(capacity * 2);
    const filled = new Uint8Array(capacity * 2);
    for (let k = 0; k < capacity; k++) {
      const from = (this.#head + k) & this.#mask;
      values[k] = this.#values[from];
      filled[k] = this.#filled[from]!;
    }
    this.#values = values;
    this.#filled = filled;
    this.#mask = capacity * 2 - 1;
    this.#head = 0;
  }
}
