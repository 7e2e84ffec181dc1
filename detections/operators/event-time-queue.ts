/**
 * A binary min-heap: what is due next in event time (window ends, match deadlines) without scanning
 * every key at each watermark step.
 *
 *   const due = new EventTimeQueue<Window>((a, b) => a.end - b.end);
 *   due.push(window); while (due.peek() && due.peek().end <= watermark) fire(due.pop());
 */
export class EventTimeQueue<T> {
  private readonly heap: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(item: T): void {
    const heap = this.heap;
    heap.push(item);
    let child = heap.length - 1;
    while (child > 0) {
      const parent = (child - 1) >> 1;
      if (this.compare(heap[child] as T, heap[parent] as T) >= 0) break;
      this.swap(child, parent);
      child = parent;
    }
  }

  pop(): T | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
    heap[0] = last;
    let parent = 0;
    for (;;) {
      const left = parent * 2 + 1;
      const right = left + 1;
      let smallest = parent;
      if (left < heap.length && this.compare(heap[left] as T, heap[smallest] as T) < 0) smallest = left;
      if (right < heap.length && this.compare(heap[right] as T, heap[smallest] as T) < 0) smallest = right;
      if (smallest === parent) return top;
      this.swap(parent, smallest);
      parent = smallest;
    }
  }

  /** Removes and returns, in order, every item for which `due` holds, stopping at the first that is not. */
  popWhile(due: (item: T) => boolean): T[] {
    const popped: T[] = [];
    for (let next = this.peek(); next !== undefined && due(next); next = this.peek()) {
      popped.push(this.pop() as T);
    }
    return popped;
  }

  clear(): void {
    this.heap.length = 0;
  }

  private swap(i: number, j: number): void {
    const heap = this.heap;
    const held = heap[i] as T;
    heap[i] = heap[j] as T;
    heap[j] = held;
  }
}
