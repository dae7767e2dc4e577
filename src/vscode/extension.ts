import * as vscode from 'vscode';
import * as path from 'node:path';
import { ProcessControl } from '../core/control/processControl';
import { loadExampleManifest } from '../core/examples/exampleManifest';
import { ProcessRecord, RunRecord } from '../core/model/processRecord';
import { diagnosisText } from '../core/present/waitText';
import { ProcessTracker } from '../core/tracking/processTracker';
import { registerAttachCommand } from './commands/attachCommand';
import { registerFilterCommands } from './commands/filterCommands';
import { AskModal, askModal, registerProcessCommands } from './commands/processCommands';
import { registerRunCommands } from './commands/runCommands';
import { registerShowTimelineCommand } from './commands/showTimelineCommand';
import { registerStacksCommands } from './commands/stacksCommands';
import { registerThreadCommands, updateThreadsContext } from './commands/threadCommands';
import { CommandIds, ViewIds, WALKTHROUGH_ID } from './constants';
import { PythonInterpreters } from './python/pythonInterpreter';
import { RunSessions } from './runs/runSessions';
import { affectsProcLens, settings } from './settings';
import { StacksDocuments, STACKS_SCHEME } from './stacks/stacksDocuments';
import { createStatusBarItem } from './statusBar';
import { TimelinePanels } from './timeline/timelinePanel';
import { ExamplesView } from './views/examplesView';
import { ProcessDecorations } from './views/processDecorations';
import { ProcessesView } from './views/processesView';
import { RunDiagnoses } from './views/runDiagnoses';

/** What activate() returns: the integration tests drive the extension through it. */
export interface ProcLensApi {
  readonly tracker: ProcessTracker;
  readonly control: ProcessControl;
  readonly sessions: RunSessions;
  readonly processesView: ProcessesView;
  readonly decorations: ProcessDecorations;
  readonly timelines: TimelinePanels;
  /** How long activate() itself took, in milliseconds (logged too; the benchmarks read it). */
  readonly activationMs: number;
  /** Only when VS Code runs the extension's tests (ExtensionMode.Test); undefined otherwise. */
  readonly testSeams: TestSeams | undefined;
}

/**
 * The two things a test cannot drive through a real extension host, replaceable by the
 * integration tests and by nothing else: VS Code's modal dialogs cannot be answered from the
 * extension host, and its test runner always trusts the workspace. Production code reads
 * them only through this object, so a test that replaces one exercises the same code path a
 * person's click does, up to the question itself.
 */
export interface TestSeams {
  /** The modal confirmation questions (kill, signalling an attached process). */
  ask: AskModal;
  /** Whether the workspace is trusted. */
  workspaceTrusted: () => boolean;
}

let stopOnExit: (() => Promise<void>) | undefined;

/** The composition root: every object is built here and handed what it needs. */
export function activate(context: vscode.ExtensionContext): ProcLensApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('ProcLens', { log: true });
  const tracker = new ProcessTracker({
    tracerDirectory: context.asAbsolutePath('tracer'),
    platform: process.platform,
    terminalLauncher: context.asAbsolutePath(path.join('launcher', 'run_in_terminal.py')),
    scanIntervalMs: settings.scanIntervalMs,
  });
  tracker.on('log', (level, message) => log[level](message));
  log.info(`process list: ${tracker.lister.description}`);
  const control = new ProcessControl(tracker.model, {
    identify: (pid) => tracker.lister.identify(pid),
    scan: () => tracker.scanNow(),
  });
  const seams: TestSeams = { ask: askModal, workspaceTrusted: () => vscode.workspace.isTrusted };
  const pythons = new PythonInterpreters(log);
  const sessions = new RunSessions(tracker, control, log, context.workspaceState, () => seams.workspaceTrusted(), pythons);
  const examples = new ExamplesView(loadExampleManifest(context.asAbsolutePath('examples')), context.asAbsolutePath('examples'));
  const diagnoses = new RunDiagnoses(tracker.model);
  const processes = new ProcessesView(tracker.model, sessions, diagnoses);
  const processesTree = vscode.window.createTreeView(ViewIds.processes, { treeDataProvider: processes, showCollapseAll: true });
  processes.onScreen = processesTree.visible;
  const decorations = new ProcessDecorations(tracker.model, () => settings.highlightChanges, (record) => {
    const [first] = diagnoses.of(record);
    return first && diagnosisText(first, diagnoses.nameOf(record.runId), vscode.l10n.t).problem;
  });
  const stacks = new StacksDocuments(tracker, (run) => sessions.label(run));
  const revealRun = (run: RunRecord) => {
    processes.refresh();
    processesTree.reveal(run, { expand: 3, focus: false, select: false }).then(undefined, (error) =>
      // Only fails while the view has never been shown; the run is there when it is opened.
      log.debug(`could not reveal ${run.id}: ${String(error)}`),
    );
  };
  const revealProcess = (record: ProcessRecord) => {
    processesTree.reveal(record, { expand: false, focus: true, select: true }).then(undefined, (error) =>
      log.debug(`could not reveal ${record.key}: ${String(error)}`),
    );
  };
  const timelines = new TimelinePanels(tracker.model, context.extensionUri, revealProcess, (run) => sessions.label(run));

  context.subscriptions.push(
    log,
    pythons,
    sessions,
    processes,
    processesTree,
    processesTree.onDidChangeVisibility(({ visible }) => (processes.onScreen = visible)),
    processes.onDidChangeDiagnoses((records) => decorations.refresh(records)),
    vscode.window.createTreeView(ViewIds.examples, { treeDataProvider: examples }),
    createStatusBarItem(tracker.model),
    ...registerProcessCommands(tracker.model, control, log, (message, ...buttons) => seams.ask(message, ...buttons)),
    ...registerRunCommands({
      model: tracker.model,
      sessions,
      examples,
      log,
      pythons,
      memory: context.workspaceState,
      revealRun,
      refresh: async () => {
        await tracker.scanNow();
        processes.refresh();
      },
    }),
    decorations,
    vscode.window.registerFileDecorationProvider(decorations),
    timelines,
    registerShowTimelineCommand(tracker.model, timelines, (run) => sessions.label(run)),
    registerAttachCommand({ model: tracker.model, lister: tracker.lister, sessions, revealRun }),
    ...registerFilterCommands(processes, processesTree),
    ...registerThreadCommands(),
    stacks,
    vscode.workspace.registerTextDocumentContentProvider(STACKS_SCHEME, stacks),
    vscode.languages.registerDocumentLinkProvider({ scheme: STACKS_SCHEME }, stacks),
    ...registerStacksCommands(tracker.model, stacks, (run) => sessions.label(run)),
    vscode.commands.registerCommand(CommandIds.openWalkthrough, () =>
      vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false),
    ),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (affectsProcLens(event, 'highlightChanges')) {
        decorations.refreshAll();
      }
      if (affectsProcLens(event, 'scanIntervalMs')) {
        tracker.scanIntervalMs = settings.scanIntervalMs;
      }
      if (affectsProcLens(event, 'keepExited')) {
        processes.refresh();
      }
      if (affectsProcLens(event, 'showThreads')) {
        processes.showThreads = settings.showThreads;
        void updateThreadsContext();
      }
    }),
    { dispose: () => void tracker.dispose() },
  );
  void updateThreadsContext();
  void sessions.restore(settings.terminateOnExit);
  stopOnExit = async () => {
    if (settings.terminateOnExit) {
      // The extension host gives deactivate a few seconds: a short grace, then SIGKILL.
      await sessions.stopAll(Math.min(settings.stopGraceMs, 1000));
    } else if (tracker.liveRuns().length) {
      log.warn(`left running (terminateOnExit is off): ${tracker.liveRuns().map((r) => `PID ${r.record.topPid}`).join(', ')}`);
    }
  };
  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  // Outside tests no one, not even another extension holding this API, can replace them.
  const testSeams = context.extensionMode === vscode.ExtensionMode.Test ? seams : undefined;
  return { tracker, control, sessions, processesView: processes, decorations, timelines, activationMs, testSeams };
}

export async function deactivate(): Promise<void> {
  await stopOnExit?.();
}
