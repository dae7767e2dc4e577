import * as path from 'node:path';
import * as vscode from 'vscode';
import { ProcessModel } from '../../core/model/processModel';
import { isAlive, RunRecord } from '../../core/model/processRecord';
import { ProcessLister, ProcessSnapshot } from '../../core/scan/processSnapshot';
import { CommandIds } from '../constants';
import { RunSessions } from '../runs/runSessions';

const t = vscode.l10n.t;

interface AttachDependencies {
  readonly model: ProcessModel;
  readonly lister: ProcessLister;
  readonly sessions: RunSessions;
  readonly revealRun: (run: RunRecord) => void;
}

/**
 * Follow a Running Process (command id `proclens.attach`, kept from when it was
 * called Attach): follow a process ProcLens did not start (a dev server, a
 * Jupyter kernel) and its descendants, by the OS scan only. No debugger attaches
 * and nothing is injected. Takes a pid from automation, else asks with a
 * filterable list of running processes.
 */
export function registerAttachCommand({ model, lister, sessions, revealRun }: AttachDependencies): vscode.Disposable {
  return vscode.commands.registerCommand(CommandIds.attach, async (pid?: number) => {
    const chosen = typeof pid === 'number' ? await describe(lister, pid) : await pickRunningProcess(model, lister);
    if (!chosen) {
      return undefined;
    }
    const followed = model.runs().find((run) => run.state === 'live' && run.topPid === chosen.pid);
    if (followed) {
      revealRun(followed);
      return followed;
    }
    const run = await sessions.attach(chosen.pid, `${chosen.label} (PID ${chosen.pid})`, chosen.argv);
    if (!run) {
      void vscode.window.showWarningMessage(t('PID {0} is not running any more.', chosen.pid));
      return undefined;
    }
    revealRun(run.record);
    return run.record;
  });
}

interface Candidate {
  readonly pid: number;
  readonly label: string;
  readonly argv: readonly string[] | undefined;
}

async function describe(lister: ProcessLister, pid: number): Promise<Candidate | undefined> {
  const argv = await lister.commandLine(pid);
  const snapshot = (await lister.list()).find((s) => s.pid === pid);
  return snapshot ? { pid, label: programName(snapshot, argv), argv } : undefined;
}

async function pickRunningProcess(model: ProcessModel, lister: ProcessLister): Promise<Candidate | undefined> {
  const tracked = new Set(model.all().filter(isAlive).map((r) => r.pid));
  const own = new Set([process.pid, process.ppid]);
  const snapshots = (await lister.list()).filter((s) => !s.zombie && !tracked.has(s.pid) && !own.has(s.pid));
  const commandLines = await Promise.all(snapshots.map((s) => lister.commandLine(s.pid).catch(() => undefined)));
  const items = snapshots
    .map((snapshot, i) => ({ snapshot, argv: commandLines[i] }))
    // Kernel threads have no command line and nothing to follow.
    .filter(({ argv }) => argv && argv.length > 0)
    .sort((a, b) => (b.snapshot.startTime ?? b.snapshot.pid) - (a.snapshot.startTime ?? a.snapshot.pid))
    .map(({ snapshot, argv }) => {
      const label = programName(snapshot, argv);
      return { label, description: `PID ${snapshot.pid}`, detail: argv!.join(' '), candidate: { pid: snapshot.pid, label, argv } };
    });
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: t('Choose a running process to follow with its descendants (type to filter by name, PID or command line)'),
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.candidate;
}

/** `python3 -m http.server` is better named by its program than by `comm`, which Linux cuts at 15 characters. */
function programName(snapshot: ProcessSnapshot, argv: readonly string[] | undefined): string {
  return argv?.[0] ? path.basename(argv[0]) : snapshot.name;
}
