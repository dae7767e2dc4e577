import { LaneView, ThreadView, TimelineView, WaitView } from './timelineView';

/** Calls as they travel: one the webview already has goes as its id alone. */
export type WireWaits = ReadonlyArray<WaitView | number>;

export interface WireThread extends Omit<ThreadView, 'waits'> {
  readonly waits: WireWaits;
}

export interface WireLane extends Omit<LaneView, 'waits' | 'threads'> {
  readonly waits: WireWaits;
  readonly threads: readonly WireThread[];
}

/** A TimelineView as posted to the webview (media/timeline/timeline.js unpacks it). */
export interface WireView extends Omit<TimelineView, 'lanes'> {
  readonly lanes: readonly WireLane[];
}

/**
 * What the webview was sent. A call that has returned never changes, and a run
 * of 200 processes keeps up to 200 calls each: posted whole with every change,
 * they would be megabytes a time. Each is sent once; the webview keeps those
 * the last view named, and forgets the rest, as this does.
 */
export class WaitsSent {
  private sent = new Set<number>();

  /** The webview (re)loaded with nothing: send everything again. */
  reset(): void {
    this.sent.clear();
  }

  pack(view: TimelineView): WireView {
    const named = new Set<number>();
    const packed = (waits: readonly WaitView[]): WireWaits =>
      waits.map((wait) => {
        if (wait.open) {
          return wait;
        }
        named.add(wait.id);
        return this.sent.has(wait.id) ? wait.id : wait;
      });
    const lanes = view.lanes.map((lane) => ({
      ...lane,
      waits: packed(lane.waits),
      threads: lane.threads.map((thread) => ({ ...thread, waits: packed(thread.waits) })),
    }));
    this.sent = named;
    return { ...view, lanes };
  }
}
