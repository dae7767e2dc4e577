import * as vscode from 'vscode';
import { TimelineView } from '../../core/timeline/timelineView';
import { TimelineSent } from '../../core/timeline/timelineWire';
import { timelineHtml } from './timelineHtml';

/** One lane as the webview drew it, read back from its DOM (not from what it was sent). */
export interface RenderedLane {
  readonly key: string;
  readonly name: string;
  readonly pid: number;
  /** The text after the last bar: `0`, `−15 SIGTERM`; absent while the process runs. */
  readonly exitText?: string;
  /** One signal name per terminate/kill mark drawn. */
  readonly marks: readonly string[];
  /** Join arrows drawn from this lane. */
  readonly joins: number;
  /** `join()` stretches drawn on it. */
  readonly joining: number;
  /** The calls (`Lock.acquire`) of the stretches drawn as still blocked on its main thread's row. */
  readonly openWaits: readonly string[];
  /** Its main thread's ended calls drawn. */
  readonly endedWaits: number;
  /** Its threads' rows, when threads are shown. */
  readonly threads: readonly RenderedThread[];
  /** The kind of each deadlock marked on it. */
  readonly problems: readonly string[];
}

export interface RenderedThread {
  /** `QueueFeederThread · daemon`. */
  readonly name: string;
  readonly openWaits: readonly string[];
  readonly endedWaits: number;
}

/** What the webview last reported it drew: the integration tests read it. */
export interface RenderedReport {
  readonly lanes: readonly RenderedLane[];
  /** How many times it built the chart; moving it to a later clock is not building it. */
  readonly renders: number;
  /** The time its right edge stands for: now, while the run is live. */
  readonly end: number;
}

export interface RunTimelineOptions {
  readonly title: string;
  /** The folder of timeline.js and timeline.css: the only files the webview may load. */
  readonly mediaRoot: vscode.Uri;
  /** The run as it is now; undefined once it has been cleared. */
  readonly present: () => TimelineView | undefined;
  readonly reveal: (key: string) => void;
  readonly disposed: () => void;
}

/** A burst of model changes (200 children starting) becomes at most five redraws a second. */
const MIN_UPDATE_MS = 200;
/** A redraw that takes long comes less often: at most a quarter of the webview's time goes to drawing. */
const DRAWING_SHARE = 4;
/** While the run is live, running bars grow even when nothing changes. */
const TICK_MS = 1000;

type FromWebview =
  | { type: 'ready' }
  | { type: 'reveal'; key: string }
  /** `drawMs`: how long drawing the whole view took, when it was drawn whole. */
  | { type: 'rendered'; report: RenderedReport; drawMs?: number };

/**
 * The panel of one run: posts the run to the webview whenever it changes, and
 * while it is live, only the clock once a second: a model that did not change
 * is not drawn again.
 */
export class RunTimeline implements vscode.Disposable {
  report: RenderedReport | undefined;
  private readonly panel: vscode.WebviewPanel;
  private view: TimelineView | undefined;
  /** The model changed since the webview last got the whole view. */
  private stale = true;
  private readonly sent = new TimelineSent();
  private lastPost = 0;
  /** How long the webview took to draw the last whole view. */
  private drawMs = 0;
  private pending: NodeJS.Timeout | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(private readonly options: RunTimelineOptions) {
    this.panel = vscode.window.createWebviewPanel('proclens.timeline', options.title, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: [options.mediaRoot],
      // Rebuilt from the model when shown again: nothing is kept alive for a hidden tab.
      retainContextWhenHidden: false,
    });
    this.panel.webview.html = timelineHtml(this.panel.webview, options.mediaRoot, options.title);
    const subscriptions = [
      this.panel.webview.onDidReceiveMessage((message: FromWebview) => this.received(message)),
      this.panel.onDidChangeViewState(() => {
        if (!this.panel.visible) {
          this.stopUpdating();
        }
      }),
    ];
    this.panel.onDidDispose(() => {
      this.stopUpdating();
      subscriptions.forEach((s) => s.dispose());
      options.disposed();
    });
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** The run (or how it is shown) changed: redraw soon, but not more often than MIN_UPDATE_MS. */
  changed(): void {
    this.stale = true;
    this.schedule();
  }

  dispose(): void {
    this.panel.dispose();
  }

  private received(message: FromWebview): void {
    switch (message?.type) {
      case 'ready':
        // The page (re)loaded, on first show and every time a hidden tab is shown again: it has nothing.
        this.sent.reset();
        this.stale = true;
        return this.post();
      case 'reveal':
        if (typeof message.key === 'string') {
          this.options.reveal(message.key);
        }
        return;
      case 'rendered':
        if (Array.isArray(message.report?.lanes)) {
          this.report = message.report;
        }
        if (typeof message.drawMs === 'number') {
          this.drawMs = message.drawMs;
        }
        return;
    }
  }

  private schedule(): void {
    if (this.pending || !this.panel.visible) {
      return;
    }
    const gap = Math.max(MIN_UPDATE_MS, DRAWING_SHARE * this.drawMs);
    this.pending = setTimeout(() => this.post(), Math.max(0, this.lastPost + gap - Date.now()));
  }

  private post(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    // A hidden webview has been torn down; it asks with `ready` once it is shown again.
    if (!this.panel.visible) {
      return;
    }
    const fresh = this.options.present();
    // A cleared run keeps the last picture of it.
    this.view = fresh ?? this.view;
    if (!this.view) {
      return;
    }
    this.lastPost = Date.now();
    if (this.stale) {
      this.stale = false;
      void this.panel.webview.postMessage({ type: 'timeline', view: this.sent.pack(this.view) });
    } else if (fresh) {
      void this.panel.webview.postMessage({ type: 'clock', clock: fresh.clock });
    }
    if (fresh?.live) {
      this.ticker ??= setInterval(() => this.schedule(), TICK_MS);
    } else {
      this.stopUpdating();
    }
  }

  private stopUpdating(): void {
    clearInterval(this.ticker);
    clearTimeout(this.pending);
    this.ticker = this.pending = undefined;
  }
}
