import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { isAlive, ProcessRecord, RunRecord } from '../../core/model/processRecord';
import { processDescription } from '../../core/present/processText';
import { CommandIds } from '../constants';
import { StacksDocuments, STACKS_SCHEME, StacksTarget } from '../stacks/stacksDocuments';
import { isRun } from '../views/processRows';

const t = vscode.l10n.t;

/**
 * Show Stacks, on a process row, a run row, a run id, or from the palette;
 * and Take Stacks Again, the button of the document it opens. Each returns
 * the document's URI (the integration tests read it), undefined when none.
 */
export function registerStacksCommands(model: ProcessModel, documents: StacksDocuments, runLabel: (run: RunRecord) => string): vscode.Disposable[] {
  const showStacks = async (node?: RunRecord | ProcessRecord | string) => {
    const target: StacksTarget | undefined =
      typeof node === 'string'
        ? { runId: node }
        : node
          ? isRun(node)
            ? { runId: node.id }
            : { runId: node.runId, pid: node.pid }
          : await pickTarget(model, runLabel);
    return target && documents.show(target);
  };

  const takeAgain = (uri?: vscode.Uri) => {
    const document = uri ?? vscode.window.activeTextEditor?.document.uri;
    return document?.scheme === STACKS_SCHEME ? documents.takeAgain(document) : undefined;
  };

  return [
    vscode.commands.registerCommand(CommandIds.showStacks, showStacks),
    vscode.commands.registerCommand(CommandIds.takeStacksAgain, takeAgain),
  ];
}

type TargetItem = vscode.QuickPickItem & { target?: StacksTarget };

/** Every live run, and under each its live Python processes when it has more than one. */
async function pickTarget(model: ProcessModel, runLabel: (run: RunRecord) => string): Promise<StacksTarget | undefined> {
  const runs = model
    .runs()
    .filter((run) => run.state === 'live')
    .sort((a, b) => b.startedAt - a.startedAt);
  const now = Date.now();
  const items: TargetItem[] = runs.flatMap((run) => {
    const pythons = model.processesOf(run.id).filter((r) => isAlive(r) && r.python);
    return [
      { label: runLabel(run), kind: vscode.QuickPickItemKind.Separator },
      { label: `$(play-circle) ${t('Every process of {0}', runLabel(run))}`, detail: run.command.join(' '), target: { runId: run.id } },
      ...(pythons.length > 1
        ? pythons.map((r) => ({ label: `$(circle-filled) ${r.name}`, description: processDescription(r, undefined, t, now), target: { runId: run.id, pid: r.pid } }))
        : []),
    ];
  });
  const choices = items.filter((item) => item.target);
  if (choices.length <= 1) {
    if (!choices.length) {
      void vscode.window.showInformationMessage(t('No run is live.'));
    }
    return choices[0]?.target;
  }
  const picked = await vscode.window.showQuickPick(items, { placeHolder: t('Take the stacks of which run or process?'), matchOnDescription: true });
  return picked?.target;
}
