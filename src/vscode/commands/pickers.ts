import * as vscode from 'vscode';
import { inLanguage, LessonExample } from '../../core/examples/exampleManifest';
import { ProcessModel } from '../../core/model/processModel';
import { ProcessRecord, RunRecord } from '../../core/model/processRecord';
import { processDescription } from '../../core/present/processText';

/** Palette invocations have no tree node: these ask for one. */
export async function pickProcess(
  model: ProcessModel,
  filter: (record: ProcessRecord) => boolean,
  placeHolder: string,
): Promise<ProcessRecord | undefined> {
  const records = model.all().filter(filter);
  if (!records.length) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No process to choose from.'));
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    records.map((record) => ({
      label: record.name,
      description: processDescription(record, undefined, vscode.l10n.t),
      detail: record.commandLine?.join(' '),
      record,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.record;
}

export async function pickRun(model: ProcessModel, live: boolean, label: (run: RunRecord) => string): Promise<RunRecord | undefined> {
  // Newest first, as in the Processes view.
  const runs = model.runs().filter((run) => !live || run.state === 'live').sort((a, b) => b.startedAt - a.startedAt);
  if (!runs.length) {
    void vscode.window.showInformationMessage(live ? vscode.l10n.t('No run is live.') : vscode.l10n.t('No run to choose from.'));
    return undefined;
  }
  if (runs.length === 1) {
    return runs[0];
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => ({ label: label(run), description: new Date(run.startedAt).toLocaleTimeString(), detail: run.command.join(' '), run })),
    { placeHolder: vscode.l10n.t('Choose a run') },
  );
  return picked?.run;
}

export async function pickExample(examples: readonly LessonExample[]): Promise<LessonExample | undefined> {
  const language = vscode.env.language;
  const picked = await vscode.window.showQuickPick(
    examples.map((example) => ({
      // The 'Why is it stuck?' examples belong to no numbered section.
      label: `${example.section} ${inLanguage(example.title, language)}`.trim(),
      description: example.file,
      detail: inLanguage(example.expect, language),
      example,
    })),
    { placeHolder: vscode.l10n.t('Choose one of the lesson’s programs to run'), matchOnDescription: true },
  );
  return picked?.example;
}
