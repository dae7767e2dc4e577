import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { ProcessRecord, RunRecord } from '../../core/model/processRecord';
import { CommandIds } from '../constants';
import { isRun } from '../views/processesView';
import { TimelinePanels } from '../timeline/timelinePanel';

/** Show Timeline: of a run, of a process's run, of a run id, or of a run picked from a list (newest first). */
export function registerShowTimelineCommand(model: ProcessModel, timelines: TimelinePanels, runLabel: (run: RunRecord) => string): vscode.Disposable {
  return vscode.commands.registerCommand(CommandIds.showTimeline, async (target?: RunRecord | ProcessRecord | string) => {
    const runId = typeof target === 'string' ? target : target ? (isRun(target) ? target.id : target.runId) : await pickRunId(model, runLabel);
    if (runId === undefined) {
      return undefined;
    }
    if (!model.run(runId)) {
      void vscode.window.showWarningMessage(vscode.l10n.t('That run is no longer in the Processes view.'));
      return undefined;
    }
    timelines.show(runId);
    return runId;
  });
}

async function pickRunId(model: ProcessModel, runLabel: (run: RunRecord) => string): Promise<string | undefined> {
  const runs = model.runs().sort((a, b) => b.startedAt - a.startedAt);
  if (!runs.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Run a program first: the timeline shows the processes of one run.'));
    return undefined;
  }
  if (runs.length === 1) {
    return runs[0].id;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: runLabel(run), description: new Date(run.startedAt).toLocaleTimeString(), run })),
    { placeHolder: vscode.l10n.t('Choose a run to show as a timeline') },
  );
  return picked?.run.id;
}
