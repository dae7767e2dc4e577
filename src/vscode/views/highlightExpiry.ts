// When the rows' start and exit highlights run out. No `vscode` here: the unit tests drive it directly.

/**
 * Highlights run out together, at most this often: a burst of 100 starts
 * loses its colour in a few redraws of the tree instead of one per process
 * (each is a round trip to the workbench), and no colour lasts longer than
 * this beyond its time.
 */
export const EXPIRY_STEP_MS = 250;

/** Tells, in batches, which rows' highlights have run out. */
export class HighlightExpiry {
  /** Key → when its highlight ends. */
  private readonly until = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Called with the keys whose highlights have run out (never before their time). */
    private readonly expired: (keys: string[]) => void,
    private readonly now: () => number,
  ) {}

  /** The row of `key` is highlighted until `until`. */
  highlight(key: string, until: number): void {
    this.until.set(key, until);
    this.expireLater();
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private expireLater(): void {
    if (this.timer || !this.until.size) {
      return;
    }
    const next = Math.min(...this.until.values());
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        const now = this.now();
        const keys = [...this.until].filter(([, until]) => until <= now).map(([key]) => key);
        keys.forEach((key) => this.until.delete(key));
        if (keys.length) {
          this.expired(keys);
        }
        this.expireLater();
      },
      Math.max(EXPIRY_STEP_MS, next - this.now() + 10),
    );
  }
}
