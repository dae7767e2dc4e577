import * as vscode from 'vscode';
import { ModelChange, ProcessModel } from '../../core/model/processModel';
import { ProcessRecord, RunRecord } from '../../core/model/processRecord';
import { presentTimeline } from '../../core/timeline/timelineView';
import { SETTINGS_SECTION } from '../constants';
import { affectsProcLens } from '../settings';
import { RenderedReport, RunTimeline } from './runTimeline';

export type { RenderedLane, RenderedReport, RenderedThread } from './runTimeline';

/** Threads are shown as lanes of their own under each process; the Processes view shares the setting. */
const SHOW_THREADS = 'showThreads';

/** The timeline panels: one per run, opened again (not twice) when asked for again. */
export class TimelinePanels implements vscode.Disposable {
  private readonly panels = new Map<string, RunTimeline>();
  private readonly configuration = vscode.workspace.onDidChangeConfiguration((event) => {
    if (affectsProcLens(event, SHOW_THREADS)) {
      this.panels.forEach((panel) => panel.changed());
    }
  });
  private readonly onChange = ({ processes, runs }: ModelChange) => {
    for (const [runId, panel] of this.panels) {
      if (runs.some((r) => r.id === runId) || processes.some((p) => p.runId === runId)) {
        panel.changed();
      }
    }
  };

  constructor(
    private readonly model: ProcessModel,
    private readonly extensionUri: vscode.Uri,
    private readonly reveal: (record: ProcessRecord) => void,
    private readonly runLabel: (run: RunRecord) => string,
  ) {
    model.on('change', this.onChange);
  }

  /** Opens (or reveals) the run's panel; false, after saying so, when the run is no longer known. */
  show(runId: string): boolean {
    const open = this.panels.get(runId);
    if (open) {
      open.reveal();
      return true;
    }
    const run = this.model.run(runId);
    if (!run) {
      void vscode.window.showWarningMessage(vscode.l10n.t('That run is no longer in the Processes view.'));
      return false;
    }
    const label = this.runLabel(run);
    const panel = new RunTimeline({
      title: vscode.l10n.t('Timeline · {0}', label),
      mediaRoot: vscode.Uri.joinPath(this.extensionUri, 'media', 'timeline'),
      present: () => {
        const current = this.model.run(runId);
        const threads = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<boolean>(SHOW_THREADS, false);
        return current && presentTimeline(current, this.model.processesOf(runId), Date.now(), label, vscode.l10n.t, { threads });
      },
      reveal: (key) => {
        const record = this.model.get(key);
        if (record) {
          this.reveal(record);
        }
      },
      disposed: () => this.panels.delete(runId),
    });
    this.panels.set(runId, panel);
    return true;
  }

  /** What the run's webview last reported it drew; undefined if its panel is not open. */
  rendered(runId: string): RenderedReport | undefined {
    return this.panels.get(runId)?.report;
  }

  dispose(): void {
    this.model.off('change', this.onChange);
    this.configuration.dispose();
    [...this.panels.values()].forEach((panel) => panel.dispose());
  }
}
