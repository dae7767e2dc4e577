import * as vscode from 'vscode';
import { TimelineView } from '../../core/timeline/timelineView';
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
}

/** What the webview last reported it drew: the integration tests read it. */
export interface RenderedReport {
  readonly lanes: readonly RenderedLane[];
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
/** While the run is live, running bars grow even when nothing changes. */
const TICK_MS = 1000;

type FromWebview = { type: 'ready' } | { type: 'reveal'; key: string } | { type: 'rendered'; report: RenderedReport };

/** The panel of one run: posts the run to the webview whenever it changes, and once a second while live. */
export class RunTimeline implements vscode.Disposable {
  report: RenderedReport | undefined;
  private readonly panel: vscode.WebviewPanel;
  private view: TimelineView | undefined;
  private lastPost = 0;
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

  /** The run changed: redraw soon, but not more often than MIN_UPDATE_MS. */
  changed(): void {
    if (this.pending || !this.panel.visible) {
      return;
    }
    this.pending = setTimeout(() => this.post(), Math.max(0, this.lastPost + MIN_UPDATE_MS - Date.now()));
  }

  dispose(): void {
    this.panel.dispose();
  }

  private received(message: FromWebview): void {
    switch (message?.type) {
      case 'ready':
        // The page (re)loaded: on first show, and every time a hidden tab is shown again.
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
        return;
    }
  }

  private post(): void {
    clearTimeout(this.pending);
    this.pending = undefined;
    // A hidden webview has been torn down; it asks with `ready` once it is shown again.
    if (!this.panel.visible) {
      return;
    }
    // A cleared run keeps the last picture of it.
    this.view = this.options.present() ?? this.view;
    if (!this.view) {
      return;
    }
    this.lastPost = Date.now();
    void this.panel.webview.postMessage({ type: 'timeline', view: this.view });
    if (this.view.live) {
      this.ticker ??= setInterval(() => this.changed(), TICK_MS);
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
