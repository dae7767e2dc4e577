/**
 * The generator's source of randomness: a list of numbers fast-check draws and
 * shrinks. Every decision reads the next one; once the list runs out every
 * answer is 0, and 0 always means the plainest choice (end the program, no
 * delay), so a shrunk list is a shorter, plainer history.
 */
export class Choices {
  private next = 0;

  constructor(private readonly values: readonly number[]) {}

  /** A number in [0, n). */
  pick(n: number): number {
    const value = this.values[this.next++] ?? 0;
    return n <= 1 ? 0 : value % n;
  }

  /** True with probability about `percent` in 100 (and never once the list has run out). */
  chance(percent: number): boolean {
    const value = this.values[this.next++];
    return value !== undefined && value % 100 < percent;
  }

  /** One of `items` (which must not be empty). */
  oneOf<T>(items: readonly T[]): T {
    return items[this.pick(items.length)];
  }

  get exhausted(): boolean {
    return this.next >= this.values.length;
  }
}
