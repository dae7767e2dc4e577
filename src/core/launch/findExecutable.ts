import * as fs from 'node:fs';
import * as path from 'node:path';

/** The first of `names` found on PATH (with Windows' PATHEXT), like a shell would pick. */
export function findExecutable(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const folders = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const extensions = process.platform === 'win32' ? (env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const name of names) {
    for (const folder of folders) {
      for (const extension of extensions) {
        const candidate = path.join(folder, name + extension);
        try {
          fs.accessSync(candidate, fs.constants.X_OK);
          if (fs.statSync(candidate).isFile()) {
            return candidate;
          }
        } catch {
          // Not in this folder.
        }
      }
    }
  }
  return undefined;
}
