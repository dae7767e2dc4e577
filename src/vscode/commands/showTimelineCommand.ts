import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { ProcessRecord, RunRecord } from '../../core/model/processRecord';
import { CommandIds } from '../constants';
import { pickRun } from './pickers';
import { isRun } from '../views/processRows';
import { TimelinePanels } from '../timeline/timelinePanel';

/** Show Timeline: of a run, of a process's run, of a run id, or of a run picked from a list. */
export function registerShowTimelineCommand(model: ProcessModel, timelines: TimelinePanels, runLabel: (run: RunRecord) => string): vscode.Disposable {
  return vscode.commands.registerCommand(CommandIds.showTimeline, async (target?: RunRecord | ProcessRecord | string) => {
    const runId = typeof target === 'string' ? target : target ? (isRun(target) ? target.id : target.runId) : (await pickRun(model, false, runLabel))?.id;
    return runId !== undefined && timelines.show(runId) ? runId : undefined;
  });
}
