import * as vscode from 'vscode';
import { SETTINGS_SECTION } from './constants';

/** The `proclens.*` settings, read fresh each time (they can change at any moment). */
export const settings = {
  get pythonPath(): string {
    return config().get<string>('pythonPath', '').trim();
  },
  get scanIntervalMs(): number {
    return Math.max(50, config().get<number>('scanIntervalMs', 500));
  },
  get keepExited(): boolean {
    return config().get<boolean>('keepExited', true);
  },
  /** Undefined: wait until the process exits. */
  get joinTimeoutSeconds(): number | undefined {
    const value = config().get<number | null>('joinTimeoutSeconds', null);
    return typeof value === 'number' && value >= 0 ? value : undefined;
  },
  get terminateOnExit(): boolean {
    return config().get<boolean>('terminateOnExit', true);
  },
  get confirmKill(): boolean {
    return config().get<boolean>('confirmKill', true);
  },
  get highlightChanges(): boolean {
    return config().get<boolean>('highlightChanges', true);
  },
  /** Rows of threads under each Python process. */
  get showThreads(): boolean {
    return config().get<boolean>('showThreads', false);
  },
  /** Pool workers report a short text of each task's arguments; read when a run starts. */
  get showTaskArguments(): boolean {
    return config().get<boolean>('showTaskArguments', true);
  },
  get stopGraceMs(): number {
    return config().get<number>('stopGraceMs', 2000);
  },
};

/** The settings of one file's run: `proclens.runIn`, `args`, `env` and `envFile`. */
export interface RunSettings {
  readonly runIn: 'workspaceFolder' | 'fileFolder';
  /** File path to argument line; values are checked where they are used. */
  readonly args: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, unknown>>;
  /** With `${workspaceFolder}` and friends not yet replaced; empty: no .env file. */
  readonly envFile: string;
}

/**
 * Read for that file: each may differ per workspace folder (`scope: resource`),
 * so they cannot be read once for the window.
 */
export function runSettings(file: vscode.Uri): RunSettings {
  const scoped = vscode.workspace.getConfiguration(SETTINGS_SECTION, file);
  return {
    runIn: scoped.get<string>('runIn') === 'fileFolder' ? 'fileFolder' : 'workspaceFolder',
    args: objectSetting(scoped.get('args')),
    env: objectSetting(scoped.get('env')),
    envFile: stringSetting(scoped.get('envFile'), '${workspaceFolder}/.env').trim(),
  };
}

// A hand-edited settings.json may hold any JSON where an object or a string is expected.
function objectSetting(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function stringSetting(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/**
 * Sets a setting where it takes effect: in the workspace when the workspace
 * sets it (a user value would stay hidden under it), else for the user.
 */
export async function updateSetting(key: string, value: unknown): Promise<void> {
  const inWorkspace = config().inspect(key)?.workspaceValue !== undefined;
  await config().update(key, value, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
}

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION);
}

export function affectsProcLens(event: vscode.ConfigurationChangeEvent, key: string): boolean {
  return event.affectsConfiguration(`${SETTINGS_SECTION}.${key}`);
}
