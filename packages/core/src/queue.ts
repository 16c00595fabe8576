/**
 * A FIFO queue with O(1) push and shift: the hot path of every pipe. A ring buffer whose
 * capacity doubles when full, so a pipe that empties after every message (request-reply) neither
 * resizes nor moves anything; after a burst, an emptied queue gives its large storage back.
 */
const INITIAL_CAPACITY = 8;
/** An empty queue keeps storage up to this many slots; a larger one is dropped when empty. */
const KEPT_CAPACITY = 1024;

export class Queue<T> {
  private items: (T | undefined)[] = [];
  /** Index of the first item; `size` items follow it, wrapping around. */
  private head = 0;
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(item: T): void {
    const capacity = this.items.length;
    if (this.size === capacity) this.grow(capacity);
    const items = this.items;
    items[(this.head + this.size) & (items.length - 1)] = item;
    this.size++;
  }

  peek(): T | undefined {
    return this.size === 0 ? undefined : this.items[this.head];
  }

  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const items = this.items;
    const item = items[this.head];
    items[this.head] = undefined;
    this.size--;
    if (this.size === 0) {
      this.head = 0;
      if (items.length > KEPT_CAPACITY) this.items = [];
    } else {
      this.head = (this.head + 1) & (items.length - 1);
    }
    return item;
  }

  /** Removes and returns every item, oldest first. */
  clear(): T[] {
    const rest: T[] = [];
    const items = this.items;
    const mask = items.length - 1;
    for (let index = 0; index < this.size; index++) {
      rest.push(items[(this.head + index) & mask] as T);
    }
    this.items = [];
    this.head = 0;
    this.size = 0;
    return rest;
  }

  /** Doubles the storage (a power of two, so indexes wrap with a mask), oldest item first. */
  private grow(capacity: number): void {
    const next: (T | undefined)[] = new Array(capacity === 0 ? INITIAL_CAPACITY : capacity * 2);
    next.fill(undefined);
    const items = this.items;
    const mask = capacity - 1;
    for (let index = 0; index < this.size; index++) next[index] = items[(this.head + index) & mask];
    this.items = next;
    this.head = 0;
  }
}
