import { Links, List, type Policy } from './policy.js';

/** Exact least-recently-used order: reads and writes make an entry the most recent. @internal */
export class LruPolicy implements Policy {
  readonly #links = new Links();
  readonly #list = new List(this.#links);

  resize(capacity: number): void {
    this.#links.resize(capacity);
  }

  add(slot: number): void {
    this.#list.push(slot);
  }

  touch(slot: number): void {
    this.#list.moveToTail(slot);
  }

  remove(slot: number): void {
    this.#list.unlink(slot);
  }

  evict(): number {
    const slot = this.#list.head;
    if (slot !== -1) this.#list.unlink(slot);
    return slot;
  }

  clear(): void {
    this.#list.clear();
  }
}
