/**
 * A bounded hand-off between a producer driven by network events and a consumer iterating at its own pace.
 * `push` resolves once the item fits in the buffer, so a producer that awaits it (e.g. before answering a
 * C-STORE sub-operation) holds the peer back instead of growing memory. Items pushed before `fail` are still
 * delivered, then the error is thrown.
 */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  readonly #spaceWaiters: (() => void)[] = [];
  #itemWaiter: (() => void) | undefined;
  #closed = false;
  #error: unknown = undefined;
  #failed = false;

  /** @param capacity - items buffered ahead of the consumer (>= 1) */
  constructor(readonly capacity: number) {}

  /** Resolves when the item is buffered; items pushed after `close`/`fail` are dropped. */
  async push(item: T): Promise<void> {
    while (this.#items.length >= this.capacity && !this.#closed) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
    if (this.#closed) return;
    this.#items.push(item);
    this.#wakeConsumer();
  }

  /** No more items: the iteration ends after the buffered ones. */
  close(): void {
    this.#closed = true;
    this.#wakeConsumer();
    this.#wakeProducers();
  }

  /** The iteration throws `error` after the buffered items. */
  fail(error: unknown): void {
    if (this.#closed) return;
    this.#failed = true;
    this.#error = error;
    this.close();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) {
        this.#wakeProducers();
        yield item;
        continue;
      }
      if (this.#closed) {
        if (this.#failed) throw this.#error;
        return;
      }
      await new Promise<void>((resolve) => {
        this.#itemWaiter = resolve;
      });
    }
  }

  #wakeConsumer(): void {
    const w = this.#itemWaiter;
    this.#itemWaiter = undefined;
    w?.();
  }

  #wakeProducers(): void {
    for (const w of this.#spaceWaiters.splice(0)) w();
  }
}
