import * as path from 'node:path';

/**
 * The `proclens.args` entry for `file`. A key is a path relative to the file's
 * workspace folder, written with forward slashes as settings.json is on every
 * platform (`"server.py"`, `"tools/load.py"`), or an absolute path. A file in
 * no workspace folder matches absolute keys only.
 */
export function argumentsFromSetting(
  entries: Readonly<Record<string, unknown>>,
  file: string,
  workspaceFolder: string | undefined,
  paths: path.PlatformPath = path,
): string | undefined {
  // Windows and macOS file systems ignore case by default; only Windows paths are compared so here,
  // since a case-sensitive APFS volume exists and a wrong match would run with the wrong arguments.
  const key = (p: string) => (paths.sep === '\\' ? paths.resolve(p).toLowerCase() : paths.resolve(p));
  const wanted = key(file);
  for (const [name, value] of Object.entries(entries)) {
    if (typeof value !== 'string') {
      continue;
    }
    const target = paths.isAbsolute(name) ? name : workspaceFolder !== undefined ? paths.join(workspaceFolder, name) : undefined;
    if (target !== undefined && key(target) === wanted) {
      return value;
    }
  }
  return undefined;
}
