import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseEnvFile } from '../../core/launch/envFile';
import { SettingPlaces, substituteSettingVariables } from '../../core/launch/settingVariables';
import { RunSettings } from '../settings';

/** What a run adds to the extension host's environment: RunRequest's `env` and `envFile`. */
export interface RunEnvironment {
  readonly env: Readonly<Record<string, string>>;
  /** The .env file the variables came from, when it existed. */
  readonly envFile?: string;
}

/**
 * The variables of the .env file (`proclens.envFile`), then `proclens.env`
 * over them. A missing file adds nothing and says nothing: the default names a
 * file most folders do not have. A line the parser cannot read is logged by
 * number only, since its text may hold a secret, and the other lines still count.
 */
export async function readRunEnvironment(
  settings: Pick<RunSettings, 'env' | 'envFile'>,
  places: SettingPlaces,
  log: vscode.LogOutputChannel,
  readFile: (file: string) => Promise<string> = (file) => fs.readFile(file, 'utf8'),
): Promise<RunEnvironment> {
  const env: Record<string, string> = {};
  let envFile: string | undefined;
  if (settings.envFile) {
    // Relative to the workspace folder, as python.envFile is.
    const file = path.resolve(places.workspaceFolder, substituteSettingVariables(settings.envFile, places));
    const text = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT' && error.code !== 'ENOTDIR') {
        log.warn(`${file}: not read (${error.message}); runs get none of its variables`);
      }
      return undefined;
    });
    if (text !== undefined) {
      // ${PATH} in the file means the PATH the program would otherwise get: the extension host's.
      const { variables, unreadable } = parseEnvFile(text, process.env);
      if (unreadable.length) {
        const lines = unreadable.map((u) => `line ${u.line} (${u.reason})`).join(', ');
        log.warn(`${file}: skipped ${unreadable.length === 1 ? 'a line' : 'lines'} it could not read: ${lines}`);
      }
      Object.assign(env, variables);
      envFile = file;
    }
  }
  for (const [name, value] of Object.entries(settings.env)) {
    if (typeof value !== 'string' || !/^[^=\0]+$/.test(name)) {
      log.warn(`proclens.env: "${name}" left out: the name must have no "=" and the value must be a string`);
      continue;
    }
    env[name] = substituteSettingVariables(value, places);
  }
  return { env, envFile };
}
