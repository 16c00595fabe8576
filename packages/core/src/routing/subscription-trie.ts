/**
 * Prefix subscriptions (RFC 29; libzmq trie_t and mtrie_t). Subscriptions are counted: two
 * subscribes to "A" need two cancels. The empty prefix matches everything.
 *
 * `SubscriptionTrie<T>` keeps, for each prefix, the subscribers (pipes) and their counts;
 * SUB uses it with one subscriber, XPUB with one per pipe.
 */

class TrieNode<T> {
  children: Map<number, TrieNode<T>> | undefined;
  subscribers: Map<T, number> | undefined;
  /** Subscriptions at or below this node, so empty branches are pruned. */
  live = 0;
}

export class SubscriptionTrie<T> {
  private readonly root = new TrieNode<T>();

  /** Adds a subscription; true when it is the first for this prefix (from any subscriber). */
  add(prefix: Uint8Array, subscriber: T): boolean {
    let node = this.root;
    node.live++;
    for (let i = 0; i < prefix.length; i++) {
      const byte = prefix[i]!;
      node.children ??= new Map();
      let child = node.children.get(byte);
      if (child === undefined) node.children.set(byte, (child = new TrieNode<T>()));
      node = child;
      node.live++;
    }
    node.subscribers ??= new Map();
    const before = node.subscribers.size;
    node.subscribers.set(subscriber, (node.subscribers.get(subscriber) ?? 0) + 1);
    return before === 0;
  }

  /**
   * Removes one subscription of `subscriber` to `prefix`; returns true when no subscriber is
   * left on this prefix. False (and nothing changed) when there was no such subscription.
   */
  remove(prefix: Uint8Array, subscriber: T): boolean {
    const path: TrieNode<T>[] = [this.root];
    let node = this.root;
    for (let i = 0; i < prefix.length; i++) {
      const child = node.children?.get(prefix[i]!);
      if (child === undefined) return false;
      node = child;
      path.push(node);
    }
    const count = node.subscribers?.get(subscriber);
    if (count === undefined) return false;
    if (count > 1) node.subscribers!.set(subscriber, count - 1);
    else node.subscribers!.delete(subscriber);
    for (let i = path.length - 1; i >= 0; i--) {
      const current = path[i]!;
      current.live--;
      if (i > 0 && current.live === 0) path[i - 1]!.children!.delete(prefix[i - 1]!);
    }
    return node.subscribers!.size === 0;
  }

  /** Removes every subscription of `subscriber`; calls `onLast` for each prefix left empty. */
  removeSubscriber(subscriber: T, onLast?: (prefix: Uint8Array) => void): void {
    const prefixes: Uint8Array[] = [];
    this.each((prefix, subscribers) => {
      if (subscribers.has(subscriber)) prefixes.push(prefix);
    });
    for (const prefix of prefixes) {
      let last = false;
      while (this.has(prefix, subscriber)) last = this.remove(prefix, subscriber);
      if (last) onLast?.(prefix);
    }
  }

  private has(prefix: Uint8Array, subscriber: T): boolean {
    let node: TrieNode<T> | undefined = this.root;
    for (let i = 0; i < prefix.length && node !== undefined; i++) {
      node = node.children?.get(prefix[i]!);
    }
    return node?.subscribers?.has(subscriber) === true;
  }

  /** Calls `visit` once for each subscriber whose prefixes match the start of `data`. */
  match(data: Uint8Array, visit: (subscriber: T) => void): void {
    const seen = new Set<T>();
    let node: TrieNode<T> | undefined = this.root;
    let i = 0;
    while (node !== undefined) {
      if (node.subscribers !== undefined) {
        for (const subscriber of node.subscribers.keys()) {
          if (!seen.has(subscriber)) {
            seen.add(subscriber);
            visit(subscriber);
          }
        }
      }
      if (i >= data.length) break;
      node = node.children?.get(data[i++]!);
    }
  }

  /** Whether any prefix matches the start of `data`. */
  matches(data: Uint8Array): boolean {
    let node: TrieNode<T> | undefined = this.root;
    let i = 0;
    while (node !== undefined) {
      if (node.subscribers !== undefined && node.subscribers.size > 0) return true;
      if (i >= data.length) return false;
      node = node.children?.get(data[i++]!);
    }
    return false;
  }

  /** Visits every prefix with subscribers. */
  each(visit: (prefix: Uint8Array, subscribers: ReadonlyMap<T, number>) => void): void {
    const walk = (node: TrieNode<T>, prefix: number[]): void => {
      if (node.subscribers !== undefined && node.subscribers.size > 0) {
        visit(Uint8Array.from(prefix), node.subscribers);
      }
      if (node.children === undefined) return;
      for (const [byte, child] of node.children) {
        prefix.push(byte);
        walk(child, prefix);
        prefix.pop();
      }
    };
    walk(this.root, []);
  }

  get empty(): boolean {
    return this.root.live === 0;
  }
}
