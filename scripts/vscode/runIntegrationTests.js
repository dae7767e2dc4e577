'use strict';
// Runs the integration suite inside a real VS Code extension host: code-server (from npm)
// serves the workbench, Debian's chromium opens it with a `payload` that names our extension
// and the suite, and the workbench reports the suite's output and exit code back to us.
//
//   node scripts/vscode/runIntegrationTests.js [--suite test/integration/suite] [--timeout 300]
//                                               [--extension DIR]  (default: this repository;
//                                               checkVsix.js passes the installed VSIX's folder)
//                                               [--locale zh-cn]  (VS Code's display language; the
//                                               suite then runs its *.zh-cn.test.js files only)
//                                               [--also-install DIR]  (another extension folder,
//                                               installed beside it: the bench's baseline, the
//                                               Python extension's stand-in)
//                                               [--grep TEXT]  (only the tests whose titles match,
//                                               as PROCLENS_TEST_GREP does)
//
// A suite asks for a picture of the workbench by printing `PROCLENS_SCREENSHOT name`: it is
// saved as test-results/name.png (see screenshot() in test/integration/suite/helpers.js).
// It asks what the notification toasts say, and to click one of their buttons, by printing
// `PROCLENS_NOTIFICATIONS {"name": ..., "waitFor": ..., "click": ...}`: the answer is saved
// as test-results/name.json (see notifications() in helpers.js).
//
// The last line printed is always `integration: N passed, M failed`.

const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');
const { chromium } = require('playwright-core');
const { ensureCodeServer, ensureDebianPackages, repoRoot } = require('./ensureCodeServer');
const { installedFolderName, startCodeServer } = require('./codeServer');
const browser = require('./browser');
const { deadline } = browser;
const { CHROMIUM, CHROMIUM_ARGS } = browser;

// Printed by test/integration/suite/index.js once mocha has finished.
const RESULT_LINE = /PROCLENS_RESULT (\{.*?\})/;
// Printed by a test that wants the workbench photographed (helpers.js screenshot()).
const SCREENSHOT_LINE = /PROCLENS_SCREENSHOT ([\w.-]+)/;
// Printed by a test that wants the notification toasts read, one button clicked (helpers.js notifications()).
const NOTIFICATIONS_LINE = /PROCLENS_NOTIFICATIONS (\{.*\})/;

async function takeScreenshot(page, name) {
  const dir = path.join(repoRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  // Written under another name first: the test waits for the final name to appear.
  const partial = path.join(dir, `${name}.partial.png`);
  await page.screenshot({ path: partial }).then(() => {
    fs.renameSync(partial, file);
    log(`screenshot ${path.relative(repoRoot, file)}`);
  }, (err) => log(`no screenshot ${name}: ${err.message}`));
}

/** Writes `text` to test-results/`name`, under another name first: the test waits for the final name. */
function writeResult(name, text) {
  const dir = path.join(repoRoot, 'test-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(`${file}.partial`, text);
  fs.renameSync(`${file}.partial`, file);
}

/**
 * Reads the notification toasts: each one's message and buttons. With `waitFor`, first waits
 * (up to 15 s) for a toast whose text holds it; with `click`, then clicks that toast's button of
 * that label, as a person would.
 */
async function readNotifications(page, { name, waitFor, click }) {
  const toasts = page.locator('.notifications-toasts .notification-toast');
  const answer = { toasts: [], clicked: false };
  try {
    const target = waitFor ? toasts.filter({ hasText: waitFor }).first() : undefined;
    if (target) await target.waitFor({ state: 'visible', timeout: 15000 });
    answer.toasts = await toasts.evaluateAll((elements) => elements.map((toast) => ({
      message: (toast.querySelector('.notification-list-item-message') || toast).textContent.replace(/\s+/g, ' ').trim(),
      buttons: [...toast.querySelectorAll('.notification-list-item-buttons-container .monaco-button')]
        .map((button) => button.textContent.replace(/\s+/g, ' ').trim()),
    })));
    if (target && click) {
      const exactly = new RegExp(`^\\s*${click.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
      await target.locator('.notification-list-item-buttons-container .monaco-button').filter({ hasText: exactly }).first().click({ timeout: 10000 });
      answer.clicked = true;
    }
  } catch (err) {
    answer.error = err.message.split('\n')[0];
  }
  writeResult(`${name}.json`, JSON.stringify(answer, null, 2));
  log(`notifications ${name}: ${answer.toasts.length} toast(s)${answer.clicked ? `, clicked ${click}` : ''}${answer.error ? ` (${answer.error})` : ''}`);
}

function parseArgs(argv) {
  const options = { suite: 'test/integration/suite', timeoutSeconds: 300, extension: repoRoot, locale: undefined, alsoInstall: [], grep: undefined };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--suite') options.suite = argv[++i];
    else if (argv[i] === '--timeout') options.timeoutSeconds = Number(argv[++i]);
    else if (argv[i] === '--extension') options.extension = path.resolve(argv[++i]);
    else if (argv[i] === '--locale') options.locale = argv[++i];
    else if (argv[i] === '--also-install') options.alsoInstall.push(path.resolve(argv[++i]));
    else if (argv[i] === '--grep') options.grep = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}; usage: runIntegrationTests.js [--suite DIR] [--timeout SECONDS] [--extension DIR] [--locale LANG] [--also-install DIR] [--grep TEXT]`);
  }
  if (!options.suite || !(options.timeoutSeconds > 0)) throw new Error('--suite needs a folder, --timeout a number of seconds');
  return options;
}

const log = (msg) => console.log(`[integration] ${msg}`);

async function runSuite({ suite, timeoutSeconds, extension, locale, alsoInstall, grep }) {
  const suiteIndex = path.resolve(suite, 'index.js');
  if (!fs.existsSync(suiteIndex)) throw new Error(`no ${suiteIndex}`);
  const counts = { passed: 0, failed: 0, reported: false };

  await ensureCodeServer({ log });
  await ensureDebianPackages(['chromium'], { log });
  // Read by the suite's index.js (through code-server's environment) to pick its files.
  if (locale) process.env.PROCLENS_TEST_LOCALE = locale;
  if (grep) process.env.PROCLENS_TEST_GREP = grep;
  const started = Date.now();
  const server = await startCodeServer({
    extensionDevelopmentPath: extension, folder: path.join(repoRoot, 'examples'), log, gallery: false, locale,
    // A prompt about the repository around the examples would cover the pictures.
    extraSettings: { 'git.openRepositoryInParentFolders': 'never' },
    // VS Code only takes a display language it has a language pack for, and the real one cannot
    // be downloaded here: a stand-in that translates none of VS Code itself (test/fixtures).
    languagePack: locale ? path.join(repoRoot, 'test', 'fixtures', `language-pack-${locale}`) : undefined,
    // Installed the way a user's extension is.
    extensionLinks: Object.fromEntries(alsoInstall.map((folder) => [installedFolderName(folder), folder])),
  });
  let context;
  const browserDir = fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-chromium-'));
  // A signal ends the run through process.exit(), which skips `finally`.
  const removeBrowserDir = () => fs.rmSync(browserDir, { recursive: true, force: true });
  process.on('exit', removeBrowserDir);
  const overall = deadline(timeoutSeconds * 1000,
    `no exit code from the extension host within ${timeoutSeconds} s (hung host or browser?)`);
  // Everything from launching the browser to the exit code is under the one time limit.
  const drive = async () => {
    context = await chromium.launchPersistentContext(browserDir,
      { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 0 });
    const page = context.pages()[0] || (await context.newPage());
    return new Promise((resolve, reject) => {
      page.on('crash', () => reject(new Error('the workbench page crashed')));
      page.on('close', () => reject(new Error('the workbench page closed before the suite finished')));
      // Both must exist before the workbench loads: it looks for them once, at startup.
      Promise.all([
        page.exposeFunction('codeAutomationExit', (code) => resolve(code)),
        page.exposeFunction('codeAutomationLog', (level, args) => {
          const text = Array.isArray(args) ? util.format(...args) : String(args);
          const result = RESULT_LINE.exec(text);
          const picture = SCREENSHOT_LINE.exec(text);
          const toasts = NOTIFICATIONS_LINE.exec(text);
          if (result) Object.assign(counts, JSON.parse(result[1]), { reported: true });
          else if (picture) void takeScreenshot(page, picture[1]);
          else if (toasts) void readNotifications(page, JSON.parse(toasts[1]));
          else console.log(level === 'error' ? `[host error] ${text}` : text);
        }),
      ]).then(() => {
        log(`opening the workbench at ${server.url} (code-server up in ${Date.now() - started} ms)`);
        return page.goto(server.urlFor(suiteIndex), { waitUntil: 'domcontentloaded', timeout: 0 });
      }).catch(reject);
    });
  };
  try {
    const exitCode = await Promise.race([drive(), overall.promise]);
    log(`extension host exited with code ${exitCode} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { exitCode, counts };
  } catch (err) {
    console.error(`[integration] FAILED: ${err.message}`);
    const tail = server.output().split('\n').slice(-20).join('\n');
    if (tail) console.error(`[integration] last output of code-server:\n${tail}`);
    return { exitCode: 1, counts };
  } finally {
    overall.clear();
    if (context) await browser.closeBrowser(context, log);
    await server.stop();
    process.removeListener('exit', removeBrowserDir);
    removeBrowserDir();
  }
}

async function main() {
  let exitCode = 1;
  let counts = { passed: 0, failed: 0, reported: false };
  try {
    ({ exitCode, counts } = await runSuite(parseArgs(process.argv.slice(2))));
  } catch (err) {
    console.error(`[integration] FAILED: ${err.message}`);
  }
  if (!counts.reported) {
    // The suite never finished (did not load, hung, crashed): count the run as one failure
    // so the summary cannot read as a success.
    console.error('[integration] the suite reported no results; counting the run as 1 failed');
    counts.failed = Math.max(counts.failed, 1);
  }
  if (exitCode === 0 && counts.failed > 0) exitCode = 1;
  console.log(`integration: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(exitCode === 0 ? 0 : 1);
}

// Without a listener a signal ends node without running 'exit' handlers; process.exit() runs
// them, and codeServer.js uses one to kill code-server's process group.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    console.error(`[integration] ${signal}: stopping`);
    process.exit(code);
  });
}

main();
