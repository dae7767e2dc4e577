'use strict';
// Opens ProcLens in a real VS Code with the examples folder, for a person to try it:
// the desktop `code` when it is installed, otherwise code-server on 127.0.0.1 in the browser.
//
//   node scripts/vscode/startProduct.js        (port: $PROCLENS_PORT, else 8080 if free, else any)

const fs = require('fs');
const path = require('path');
const { spawn } = require('child_process');
const { repoRoot } = require('./ensureCodeServer');
const { startCodeServer, installedFolderName, workbenchUrl, isPortFree, freePort } = require('./codeServer');

const examples = path.join(repoRoot, 'examples');
const log = (msg) => console.log(`[proclens] ${msg}`);

function onPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      fs.accessSync(path.join(dir, command), fs.constants.X_OK);
      return true;
    } catch { /* not in this dir */ }
  }
  return false;
}

async function choosePort() {
  if (process.env.PROCLENS_PORT) {
    const port = Number(process.env.PROCLENS_PORT);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PROCLENS_PORT=${process.env.PROCLENS_PORT} is not a port number`);
    if (!(await isPortFree(port))) throw new Error(`port ${port} (PROCLENS_PORT) is in use on 127.0.0.1; choose another`);
    return port;
  }
  return (await isPortFree(8080)) ? 8080 : freePort();
}

async function startInBrowser() {
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
    log('warning: dist/extension.js is missing, so the extension cannot activate; run `npm run build` first');
  }
  const port = await choosePort();
  // A person's URL carries no test payload, so the extension is installed the way a user's
  // would be: code-server loads <publisher>.<name>-<version> folders from its extensions dir.
  const server = await startCodeServer({
    extensionDevelopmentPath: repoRoot, folder: examples, log, port,
    extensionLinks: { [installedFolderName(repoRoot)]: repoRoot },
    // examples/ sits inside this git repository; without this, the first thing a person sees
    // is a prompt to open the parent repository.
    extraSettings: { 'git.openRepositoryInParentFolders': 'never' },
  });

  let stopping = false;
  const shutdown = async (reason, code) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping code-server`);
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => shutdown('SIGINT', 0));
  process.on('SIGTERM', () => shutdown('SIGTERM', 0));
  server.exited.then((how) => {
    if (stopping) return;
    console.error(`code-server stopped by itself (${how}). Its last output:\n${server.output().split('\n').slice(-20).join('\n')}`);
    shutdown('code-server exited', 1);
  });

  log(`ProcLens in VS Code (code-server, loopback only). Open:`);
  console.log(`\n  ${workbenchUrl({ port: server.port, folder: examples })}\n`);
  log('Press Ctrl+C to stop.');
}

function main() {
  if (onPath('code')) {
    const child = spawn('code', [`--extensionDevelopmentPath=${repoRoot}`, examples], { stdio: 'inherit' });
    child.on('error', (err) => { console.error(err.message); process.exit(1); });
    child.on('exit', (code) => process.exit(code === null ? 1 : code));
    return;
  }
  startInBrowser().catch((err) => {
    console.error(`[proclens] could not start VS Code: ${err.message}`);
    process.exit(1);
  });
}

main();
