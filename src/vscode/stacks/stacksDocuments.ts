import * as vscode from 'vscode';
import { ProcessRecord, RunRecord } from '../../core/model/processRecord';
import { renderStacks, unavailableText } from '../../core/present/stacksText';
import { withoutTracerFrames } from '../../core/stacks/tracerFrames';
import { ProcessTracker } from '../../core/tracking/processTracker';
import { frameLinks } from './frameLinks';

const t = vscode.l10n.t;

export const STACKS_SCHEME = 'proclens-stacks';
/** package.json's language for the documents: its grammar colours frames, threads and warnings. */
const STACKS_LANGUAGE = 'proclens-stacks';
/** Documents whose text is kept for reopening; older ones are taken again when asked. */
const KEPT = 20;

/** Whose stacks a document shows: a whole run, or one process of it. */
export interface StacksTarget {
  readonly runId: string;
  readonly pid?: number;
}

/**
 * Show Stacks: takes the Python stacks of a run's live processes (or of one),
 * and shows them as a read-only document whose frames link to their source
 * lines. The document's URI names what it shows, so Take Stacks Again can
 * take them anew.
 */
export class StacksDocuments implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly tracker: ProcessTracker,
    private readonly runLabel: (run: RunRecord) => string,
  ) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? t('These stacks are no longer kept: use Take Stacks Again.');
  }

  provideDocumentLinks(document: vscode.TextDocument): vscode.DocumentLink[] {
    return frameLinks(document.getText()).map((link) => {
      // `#L12` opens the file at that line, as any link to a file does.
      const target = vscode.Uri.file(link.file).with({ fragment: `L${link.fileLine}` });
      const item = new vscode.DocumentLink(new vscode.Range(link.line, link.start, link.line, link.end), target);
      item.tooltip = t('Open {0} at line {1}', link.file, link.fileLine);
      return item;
    });
  }

  /** Takes the stacks and opens their document; undefined (after saying why) when nothing could be asked. */
  async show(target: StacksTarget): Promise<vscode.Uri | undefined> {
    const taken = await this.take(target);
    if (!taken) {
      return undefined;
    }
    const uri = vscode.Uri.from({ scheme: STACKS_SCHEME, path: `/${taken.title.replace(/[/\\]/g, '-')}`, query: targetQuery(target) });
    this.keep(uri, taken.text);
    let document = await vscode.workspace.openTextDocument(uri);
    if (document.languageId !== STACKS_LANGUAGE) {
      document = await vscode.languages.setTextDocumentLanguage(document, STACKS_LANGUAGE);
    }
    await vscode.window.showTextDocument(document, { preview: false });
    return uri;
  }

  /** Takes the stacks of a document's run or process again, into the same document. */
  async takeAgain(uri: vscode.Uri): Promise<vscode.Uri | undefined> {
    const target = parseTarget(uri);
    const taken = target && (await this.take(target));
    if (!taken) {
      return undefined;
    }
    this.keep(uri, taken.text);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
  }

  private keep(uri: vscode.Uri, text: string): void {
    const key = uri.toString();
    this.texts.delete(key);
    this.texts.set(key, text);
    for (const old of [...this.texts.keys()].slice(0, Math.max(0, this.texts.size - KEPT))) {
      this.texts.delete(old);
    }
    this.changed.fire(uri);
  }

  private async take({ runId, pid }: StacksTarget): Promise<{ title: string; text: string } | undefined> {
    const model = this.tracker.model;
    const run = model.run(runId);
    const process = pid !== undefined ? model.find(runId, pid) : undefined;
    const what = process ? `${process.name} (PID ${process.pid})` : run ? this.runLabel(run) : runId;
    const asked = run ? await this.tracker.takeStacks(runId, pid) : [];
    if (!run || !asked.length) {
      void vscode.window.showInformationMessage(t('{0} has no live process: there are no stacks to take.', what));
      return undefined;
    }
    if (!asked.some((record) => record.stacks?.threads.length)) {
      const reasons = [...new Set(asked.map((record) => unavailableText(record.stacks?.unavailable ?? 'no-answer', t)))];
      void vscode.window.showWarningMessage(t('No stacks of {0}: {1}', what, reasons.join('; ')));
      return undefined;
    }
    // A whole run: every process, since a deadlock may be proved by one that has ended (a
    // dead Pool worker); but only stacks just taken, not an ended process's old ones.
    const records = (process ? asked : model.processesOf(runId)).map((record) => shown(record, asked.includes(record)));
    return { title: t('Stacks of {0}', what), text: renderStacks(run, records, Date.now(), t) };
  }
}

/** A copy to render: its stacks if just taken, without the tracer's frames; none if older. */
function shown(record: ProcessRecord, justTaken: boolean): ProcessRecord {
  if (!record.stacks) {
    return record;
  }
  return { ...record, stacks: justTaken ? withoutTracerFrames(record.stacks) : undefined };
}

const targetQuery = ({ runId, pid }: StacksTarget) => new URLSearchParams(pid !== undefined ? { run: runId, pid: String(pid) } : { run: runId }).toString();

function parseTarget(uri: vscode.Uri): StacksTarget | undefined {
  const query = new URLSearchParams(uri.query);
  const runId = query.get('run');
  const pid = query.get('pid');
  return uri.scheme === STACKS_SCHEME && runId ? { runId, pid: pid ? Number(pid) : undefined } : undefined;
}
