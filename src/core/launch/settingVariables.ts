import * as path from 'node:path';

/** The folders a run's settings may name. */
export interface SettingPlaces {
  /** The file's workspace folder; for a file in none, its own folder. */
  readonly workspaceFolder: string;
  /** The folder of the file being run. */
  readonly fileDirname: string;
}

/**
 * `${workspaceFolder}`, `${workspaceFolderBasename}` and `${fileDirname}`
 * replaced as VS Code's own settings (`python.envFile`, launch.json) do, so a
 * value copied from them means the same here. Any other `${...}` stays as written.
 */
export function substituteSettingVariables(text: string, places: SettingPlaces, paths: path.PlatformPath = path): string {
  const values: Readonly<Record<string, string>> = {
    workspaceFolder: places.workspaceFolder,
    workspaceFolderBasename: paths.basename(places.workspaceFolder),
    fileDirname: places.fileDirname,
  };
  return text.replace(/\$\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name] : whole));
}
