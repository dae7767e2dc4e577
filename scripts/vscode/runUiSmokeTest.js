'use strict';
// UI smoke test: uses ProcLens the way a person does, in a real VS Code workbench.
// code-server (from npm) serves the workbench with the repository installed as an extension;
// Debian's chromium (through playwright-core) clicks the activity bar, the inline actions of
// the tree rows and the command palette, and reads what the rows show.
//
//   node esbuild.js && node scripts/vscode/runUiSmokeTest.js [--no-readme-picture]
//
// Screenshots go to test-results/ui-*.png (test-results/ui-failure.png when a check fails).
// The README's pictures are taken too, at a smaller window size, unless --no-readme-picture is
// given (they change on every run: PIDs, times): the finished §6 run as
// docs/screenshot-processes.png, the §8 run's timeline as docs/screenshot-timeline.png and the
// lesson walkthrough as docs/screenshot-walkthrough.png.
// The last line printed is always `ui: N passed, M failed`; the exit code is 0 only when
// every check passed.

const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { ensureCodeServer, ensureDebianPackages, repoRoot } = require('./ensureCodeServer');
const { installedFolderName, startCodeServer } = require('./codeServer');
const browser = require('./browser');
const { CHROMIUM, CHROMIUM_ARGS } = browser;

const VIEWPORT = { width: 1400, height: 900 };
// The window size of the README picture: the whole window, smaller, so nothing is cut off.
const README_VIEWPORT = { width: 1200, height: 780 };
const CJK_FONT_PACKAGE = 'fonts-wqy-microhei'; // 1.6 MB; fonts-noto-cjk is 56 MB
const examplesFolder = path.join(repoRoot, 'examples');
const resultsDir = path.join(repoRoot, 'test-results');
// The README's pictures, taken by the checks that show these things.
const README_PICTURES = {
  processes: path.join(repoRoot, 'docs', 'screenshot-processes.png'),
  timeline: path.join(repoRoot, 'docs', 'screenshot-timeline.png'),
  walkthrough: path.join(repoRoot, 'docs', 'screenshot-walkthrough.png'),
};

// What a person looks at. The container and view ids come from package.json.
const SIDEBAR = '[id="workbench.view.extension.proclens"]';
const ACTIVITY_ITEM = '.activitybar .action-item a[aria-label^="ProcLens"]';
const listOf = (view) => `${SIDEBAR} .monaco-list[aria-label="${view}"]`;
const rowsOf = (view) => `${listOf(view)} .monaco-list-row`;
const MINUS = '\u2212'; // exit codes below zero are shown with a typographic minus: −15

const S06 = { title: 'Start four processes', file: 's06_start_four_processes.py' };
const STUCK = { title: 'A lock never released', file: 'stuck_lock.py' };
const POOL = { title: 'Pool.map() over three workers', file: 'pool_map.py' };
const S08 = { title: 'Start all, then join all', file: 's08_join_all.py' };
const CTRL_C = { title: 'Ctrl+C: SIGINT to every process', file: 'ctrl_c_pool.py' };
const CHILDREN = ['Process-1', 'Process-2', 'Process-3', 'Process-4'];
// The title of proclens.runFile (package.nls.json), as the editor title's run button shows it.
const RUN_FILE = 'Run Python File with ProcLens';
// The Python extension's own entry there, from its stand-in (test/fixtures/python-run-button-stand-in).
const PYTHON_RUN_FILE = 'Run Python File';
const pythonStandIn = path.join(repoRoot, 'test', 'fixtures', 'python-run-button-stand-in');

const log = (msg) => console.log(`[ui] ${msg}`);
const elapsed = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

class CheckFailed extends Error {}
const deadline = (ms, message) => browser.deadline(ms, message, (text) => new CheckFailed(text));

// ---------------------------------------------------------------------------------------------
// Reading the views

/** The rendered rows of a view, in order: label, description, tree level, expanded state. */
async function readRows(page, view) {
  return page.locator(rowsOf(view)).evaluateAll((rows) => rows
    .map((row) => ({
      index: Number(row.getAttribute('data-index')),
      level: Number(row.getAttribute('aria-level') || 1),
      expanded: row.getAttribute('aria-expanded'),
      label: (row.querySelector('.label-name')?.textContent || row.getAttribute('aria-label') || '').trim(),
      description: (row.querySelector('.label-description')?.textContent || '').trim(),
    }))
    .sort((a, b) => a.index - b.index));
}

const rowText = (r) => `${'  '.repeat(Math.max(0, r.level - 1))}${r.expanded === 'false' ? '▸ ' : r.expanded === 'true' ? '▾ ' : '  '}` +
  `${r.label}${r.description ? `  —  ${r.description}` : ''}`;

function printRows(title, rows) {
  log(`${title}${rows.length ? ':' : ': (no rows)'}`);
  for (const r of rows) console.log(`        ${rowText(r)}`);
}

/** The rows of one run in the Processes view: its top row (label = file name) and everything below it. */
function runBlock(rows, file) {
  const start = rows.findIndex((r) => r.level === 1 && r.label === file);
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < rows.length && rows[end].level > 1) end++;
  return { run: rows[start], processes: rows.slice(start + 1, end) };
}

// Which check is current; a wait of an abandoned check stops polling.
const polling = { check: 0 };

/**
 * Polls the rows of `view` until `test(rows)` returns something truthy, and returns that.
 * Prints the rows whenever they change, so the log shows what a person saw on the way.
 */
async function waitForRows(page, view, what, test, { timeoutMs }) {
  const until = Date.now() + timeoutMs;
  const check = polling.check;
  let shown = '';
  for (;;) {
    // The check this wait belongs to has failed already (its time limit): stop quietly.
    if (polling.check !== check) throw new CheckFailed('abandoned');
    const rows = await readRows(page, view);
    const text = rows.map(rowText).join('\n');
    if (text !== shown) {
      printRows(`${view} view now shows`, rows);
      shown = text;
    }
    const result = test(rows);
    if (result) return result;
    if (Date.now() > until) {
      throw new CheckFailed(`${view} view: no ${what} within ${timeoutMs / 1000} s`);
    }
    await page.waitForTimeout(200); // a polling interval, not a wait for something
  }
}

// ---------------------------------------------------------------------------------------------
// Acting on the workbench

/** Moves the mouse to an empty spot of the editor area, so no hover or row highlight is left over. */
async function moveMouseAway(page) {
  await page.mouse.move(VIEWPORT.width - 60, 120);
  await page.locator('.monaco-hover, .workbench-hover').first()
    .waitFor({ state: 'hidden', timeout: 5000 }).catch(() => { /* a lingering hover only spoils the look */ });
}

/** Hovers a row and clicks its inline action (the icons that show on hover). */
async function clickInlineAction(page, row, action) {
  await row.scrollIntoViewIfNeeded();
  await row.hover();
  const button = row.locator(`.actions a.action-label[aria-label="${action}"]`);
  await button.waitFor({ state: 'visible', timeout: 10000 });
  await button.click();
}

/** Runs a palette command as a person does: F1, type, pick the entry, Enter. */
async function runPaletteCommand(page, title, timeoutMs) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Runs a palette command that asks with a quick pick, and picks the entry holding `choice`. */
async function runPaletteCommandAndPick(page, title, choice, timeoutMs) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: timeoutMs });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first()
    .waitFor({ state: 'visible', timeout: timeoutMs });
  await page.keyboard.press('Enter');
  // The command's own quick pick replaces the palette in the same widget, its input emptied.
  await page.waitForFunction(() => {
    const box = document.querySelector('.quick-input-widget input');
    return box && box.offsetParent !== null && !box.value.startsWith('>');
  }, null, { timeout: timeoutMs });
  // Typed, as a person would in a long list: rows scrolled out of view are not drawn at all.
  await input.fill(choice);
  const entry = page.locator('.quick-input-list .monaco-list-row', { hasText: choice }).first();
  await entry.waitFor({ state: 'visible', timeout: timeoutMs });
  await entry.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: timeoutMs });
}

/** Drags the sash between the side bar and the editor, so the rows' descriptions fit. */
async function widenSideBar(page, width) {
  const sidebar = page.locator('#workbench\\.parts\\.sidebar');
  const box = await sidebar.boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width + (width - box.width) / 2, y, { steps: 5 });
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
  const after = await sidebar.boundingBox();
  log(`side bar width: ${Math.round(box.width)} px -> ${Math.round(after ? after.width : box.width)} px`);
  // Leave the sash, and let its hover highlight fade, before anything is photographed.
  await page.mouse.move(VIEWPORT.width - 60, 120);
  await page.waitForFunction(() => [...document.querySelectorAll('.monaco-sash')].every((sash) => {
    const clear = (color) => color === 'rgba(0, 0, 0, 0)' || color === 'transparent';
    return clear(getComputedStyle(sash).backgroundColor) && clear(getComputedStyle(sash, '::before').backgroundColor);
  }), null, { timeout: 5000 }).catch(() => { /* only the look suffers */ });
}

async function screenshot(page, name, options = {}) {
  const file = path.join(resultsDir, name);
  await page.screenshot({ path: file, ...options });
  log(`screenshot ${path.relative(repoRoot, file)}`);
  return file;
}

/** Notification toasts on screen (errors from the extension show up here). */
async function notifications(page) {
  return page.locator('.notifications-toasts .notification-toast').evaluateAll((toasts) =>
    toasts.map((t) => t.textContent.replace(/\s+/g, ' ').trim()).filter(Boolean)).catch(() => []);
}

// ---------------------------------------------------------------------------------------------
// The checks

function checks(state) {
  // The page only exists once the second check has opened it.
  const examplesRow = (title) => state.page.locator(rowsOf('Examples')).filter({
    has: state.page.locator('.label-name', { hasText: new RegExp(`^\\s*${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }),
  }).first();
  // A process row by its PID: the rows are re-rendered on every change, the PID stays.
  const processRow = (name, pid) => state.page.locator(`${rowsOf('Processes')}[aria-label^="${name}, PID ${pid} "]`).first();
  const pidOf = (row) => (/PID (\d+)/.exec(row.description) || [])[1];
  const notePids = (rows) => rows.forEach((r) => { const pid = pidOf(r); if (pid) state.pids.add(Number(pid)); });

  /** Runs §8 from its ▶ and waits for Process-1 to be alive; each run is counted (Clear Exited expects them all). */
  const startS08 = async () => {
    const { page } = state;
    const before = (await readRows(page, 'Processes')).filter((r) => r.level === 1 && r.label === S08.file).length;
    await clickInlineAction(page, examplesRow(S08.title), 'Run Example');
    state.s08Runs = (state.s08Runs || 0) + 1;
    state.s08Started = Date.now();
    state.alive = await waitForRows(page, 'Processes', `row "Process-1 · alive" in a new run of ${S08.file}`, (rows) => {
      notePids(rows);
      if (rows.filter((r) => r.level === 1 && r.label === S08.file).length <= before) return undefined;
      const b = runBlock(rows, S08.file);
      const p1 = b && b.processes.find((r) => r.label === 'Process-1' && /· alive\b/.test(r.description));
      const main = b && b.processes.find((r) => r.label === 'MainProcess');
      if (main && /joining/.test(main.description)) state.joining.add(main.description.replace(/^PID \d+ · /, ''));
      return p1;
    }, { timeoutMs: 80000 });
    log(`Process-1 (PID ${pidOf(state.alive)}) alive ${elapsed(state.s08Started)} after the click`);
  };

  const runAppears = (file) => (rows) => {
    const block = runBlock(rows, file);
    return block && block.processes.some((r) => r.label === 'MainProcess') ? block : undefined;
  };

  return [
    {
      name: 'code-server starts with ProcLens installed',
      timeoutMs: 15 * 60 * 1000, // the first run installs code-server (about 2 min, more on a slow machine)
      async run() {
        await ensureCodeServer({ log });
        await ensureDebianPackages(['chromium'], { log });
        // The lesson's programs print Chinese; without a CJK font chromium draws boxes.
        await ensureDebianPackages([CJK_FONT_PACKAGE], { log }).catch((err) =>
          log(`warning: ${err.message.split('\n')[0]}; Chinese text will show as boxes in the screenshots`));
        if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) {
          throw new CheckFailed('dist/extension.js is missing: build first (node esbuild.js)');
        }
        const started = Date.now();
        state.server = await startCodeServer({
          folder: examplesFolder, log, gallery: false, startTimeoutMs: 120000,
          // Installed the way a user's extension is.
          // Beside the stand-in for the Python extension's run button, as most Python users have it.
          extensionLinks: { [installedFolderName(repoRoot)]: repoRoot, [installedFolderName(pythonStandIn)]: pythonStandIn },
          extraSettings: {
            'git.openRepositoryInParentFolders': 'never',
            'workbench.tips.enabled': false,
            'workbench.enableExperiments': false,
            'workbench.secondarySideBar.defaultVisibility': 'hidden',
            'workbench.layoutControl.enabled': false,
            'chat.commandCenter.enabled': false,
            'extensions.ignoreRecommendations': true,
            'telemetry.telemetryLevel': 'off',
            'update.mode': 'none',
            'window.commandCenter': false,
            'terminal.integrated.enablePersistentSessions': false,
            // Drawn as text, not on a canvas: what a run's terminal shows can be read.
            'terminal.integrated.gpuAcceleration': 'off',
            // The extension opens its own copy of the examples: the breadcrumbs would show a
            // long scratch path. Neither they nor the minimap add anything to a screenshot.
            'breadcrumbs.enabled': false,
            'editor.minimap.enabled': false,
          },
        });
        log(`code-server answers at ${state.server.url} (${elapsed(started)})`);
      },
    },
    {
      name: 'the ProcLens side bar shows the examples',
      timeoutMs: 180000,
      async run() {
        const started = Date.now();
        state.context = await chromium.launchPersistentContext(state.browserDir, {
          executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: VIEWPORT, timeout: 60000,
          // Playwright's own handlers would exit at once on a signal; ours cleans up first.
          handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
        });
        const page = state.page = state.context.pages()[0] || (await state.context.newPage());
        page.on('crash', () => log('the workbench page crashed'));
        page.setDefaultTimeout(60000);
        const url = `${state.server.url}?folder=${encodeURIComponent(examplesFolder).replace(/%2F/g, '/')}`;
        log(`opening ${url}`);
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
        await page.locator(ACTIVITY_ITEM).waitFor({ state: 'visible', timeout: 120000 });
        log(`workbench up (${elapsed(started)}); clicking the ProcLens activity bar item`);
        await page.locator(ACTIVITY_ITEM).click();
        const rows = await waitForRows(page, 'Examples', `rows "§6 Starting processes" and "${S06.title}"`, (rs) =>
          rs.some((r) => r.label.startsWith('§6')) && rs.some((r) => r.label === S06.title) && rs, { timeoutMs: 60000 });
        if (!rows.some((r) => r.label === S08.title)) throw new CheckFailed(`no "${S08.title}" row among the examples`);
        await page.locator(listOf('Processes')).waitFor({ state: 'attached', timeout: 30000 });
        await widenSideBar(page, 470);
        await moveMouseAway(page);
        await screenshot(page, 'ui-01-examples.png');
      },
    },
    {
      name: `a Python file's run button (editor title) lists the Python extension's "${PYTHON_RUN_FILE}", then "${RUN_FILE}"`,
      timeoutMs: 60000,
      async run() {
        const { page } = state;
        await clickInlineAction(page, examplesRow(S06.title), 'Open Source');
        await page.locator(`.tabs-container .tab[aria-label*="${S06.file}"]`).first().waitFor({ state: 'visible', timeout: 30000 });
        // editor/title/run is one control of the editor's title actions: with two entries (the
        // stand-in for the Python extension's, and ours) a ▶ with a drop-down beside it. The ▶
        // is the Python extension's until a person picks ours; no second ▶ stands beside it.
        const titleActions = page.locator('.editor-group-container.active :is(.editor-actions, .title-actions)').first();
        const runButton = titleActions.locator('.action-item.monaco-dropdown-with-default').first();
        await runButton.waitFor({ state: 'visible', timeout: 20000 });
        const labels = await titleActions.locator('.action-item').evaluateAll((items) => items.map((item) =>
          `${item.className.replace(/\s+/g, '.')}: ${[...item.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label')).join(' | ')}`));
        log(`the editor title's actions: ${labels.join('; ')}`);
        const primary = await runButton.locator('.action-container [aria-label]').first().getAttribute('aria-label');
        if (!primary?.startsWith(PYTHON_RUN_FILE) || primary.startsWith(RUN_FILE)) {
          throw new CheckFailed(`the run button's ▶ is "${primary}", not the Python extension's "${PYTHON_RUN_FILE}"`);
        }
        const outside = await titleActions.locator(`.action-item:not(.monaco-dropdown-with-default) [aria-label^="${RUN_FILE}"]`).count();
        if (outside) throw new CheckFailed(`"${RUN_FILE}" also stands in the editor title outside the run button`);
        await runButton.locator('.dropdown-action-container .action-label').first().click();
        const entries = page.locator('.monaco-menu .action-item .action-label');
        await entries.filter({ hasText: RUN_FILE }).first().waitFor({ state: 'visible', timeout: 10000 });
        const listed = (await entries.allTextContents()).map((t) => t.trim()).filter(Boolean);
        log(`the run button's drop-down lists: ${listed.map((t) => `"${t}"`).join(', ')}`);
        if (listed.indexOf(PYTHON_RUN_FILE) < 0 || listed.indexOf(RUN_FILE) < listed.indexOf(PYTHON_RUN_FILE)) {
          throw new CheckFailed(`the drop-down lists ${listed.join(', ')}: not "${PYTHON_RUN_FILE}" first, then "${RUN_FILE}"`);
        }
        await screenshot(page, 'ui-01b-editor-run-button.png');
        await page.keyboard.press('Escape');
        await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
        await moveMouseAway(page);
      },
    },
    {
      name: `"${S06.title}" (▶ Run Example) shows MainProcess with Process-1..Process-4`,
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        const row = examplesRow(S06.title);
        // A person reads the program first: the second inline action opens it in the editor.
        await clickInlineAction(page, row, 'Open Source');
        await page.locator(`.tabs-container .tab[aria-label*="${S06.file}"]`).first().waitFor({ state: 'visible', timeout: 30000 });
        log(`${S06.file} is open in the editor; clicking ▶ Run Example`);
        await clickInlineAction(page, row, 'Run Example');
        state.s06Started = Date.now();
        await waitForRows(page, 'Processes', `run ${S06.file} with Process-1..Process-4 under MainProcess`, (rows) => {
          notePids(rows);
          const block = runAppears(S06.file)(rows);
          if (!block) return undefined;
          const main = block.processes.find((r) => r.label === 'MainProcess');
          return CHILDREN.every((c) => block.processes.some((r) => r.label === c && r.level === main.level + 1));
        }, { timeoutMs: 80000 });
        log(`all four children on screen ${elapsed(state.s06Started)} after the click`);
      },
    },
    {
      name: `"${S06.title}": the four children end with "exited 0"`,
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        const block = await waitForRows(page, 'Processes', `"exited 0" for Process-1..Process-4 and the finished run`, (rows) => {
          notePids(rows);
          const b = runBlock(rows, S06.file);
          return b && CHILDREN.every((c) => b.processes.some((r) => r.label === c && /· exited 0\b/.test(r.description))) &&
            /exited 0/.test(b.run.description) && b;
        }, { timeoutMs: 80000 });
        const main = block.processes.find((r) => r.label === 'MainProcess');
        if (!main || !/exited 0/.test(main.description)) throw new CheckFailed(`MainProcess shows "${main && main.description}", not exited 0`);
        log(`${S06.file} finished ${elapsed(state.s06Started)} after the click`);
        await moveMouseAway(page);
        await screenshot(page, 'ui-02-s06-run.png');
        if (state.readmePicture) await saveProcessesPicture(page);
      },
    },
    {
      name: `"${S08.title}" (▶ Run Example) shows Process-1 alive`,
      timeoutMs: 90000,
      async run() {
        await startS08();
      },
    },
    {
      name: 'Terminate (inline) on Process-1 gives "exited −15 (SIGTERM)"',
      timeoutMs: 150000,
      async run() {
        const { page } = state;
        // The children sleep 3 s: on a busy machine Process-1 may end on its own before the click
        // lands, and then its row has no Terminate action any more. That is the test's timing, not
        // the program's: run §8 again (at most twice more), each time still requiring −15.
        const expected = new RegExp(`· exited ${MINUS}15 \\(SIGTERM\\)`);
        let pid;
        for (let attempt = 1; ; attempt++) {
          pid = pidOf(state.alive);
          let ended;
          let clickedAfter;
          try {
            await clickInlineAction(page, processRow('Process-1', pid), 'Terminate');
            clickedAfter = Date.now() - state.s08Started;
            log(`clicked Terminate on Process-1 (PID ${pid}) ${elapsed(state.s08Started)} after the run started`);
            ended = await waitForRows(page, 'Processes', `"exited ${MINUS}15 (SIGTERM)" on Process-1 (PID ${pid})`, (rows) => {
              notePids(rows);
              const b = runBlock(rows, S08.file);
              const main = b && b.processes.find((r) => r.label === 'MainProcess');
              if (main && /joining/.test(main.description)) state.joining.add(main.description.replace(/^PID \d+ · /, ''));
              const p1 = b && b.processes.find((r) => r.label === 'Process-1' && r.description.startsWith(`PID ${pid} `));
              return p1 && (expected.test(p1.description) || /· exited 0\b/.test(p1.description)) && p1.description;
            }, { timeoutMs: 50000 });
          } catch (err) {
            if (clickedAfter !== undefined) throw err;
            // No Terminate action to click: the row had already turned exited.
            const b = runBlock(await readRows(page, 'Processes'), S08.file);
            const p1 = b && b.processes.find((r) => r.label === 'Process-1' && r.description.startsWith(`PID ${pid} `));
            if (!(p1 && /exited 0/.test(p1.description))) throw new CheckFailed(`could not click Terminate on Process-1: ${err.message.split('\n')[0]}`);
            ended = p1.description;
            clickedAfter = Infinity;
          }
          if (expected.test(ended)) break;
          // Exited 0 although Terminate was clicked: only acceptable if the click may have come after
          // the child's 3 s (it starts after the click on ▶): sooner, Terminate did nothing, the failure.
          if (clickedAfter < 3000) throw new CheckFailed(`Process-1 shows "${ended}" although Terminate was clicked ${clickedAfter} ms after the run started: Terminate did nothing`);
          if (attempt === 3) throw new CheckFailed(`Process-1 ended by itself ("${ended}") before Terminate reached it, ${attempt} times in a row`);
          log(`Process-1 (PID ${pid}) ended by itself ("${ended}"), the click came ${clickedAfter} ms after the start; running ${S08.file} again`);
          await startS08();
        }
        await moveMouseAway(page);
        await screenshot(page, 'ui-03-terminated.png');
        log(state.joining.size
          ? `(also seen on MainProcess: ${[...state.joining].map((d) => `"${d}"`).join(', ')})`
          : '(MainProcess was not seen "joining" while polling; optional, not a failure)');
      },
    },
    {
      name: `Show Timeline (inline on the ${S08.file} run) draws a lane per process, with the SIGTERM mark`,
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        // Wait for the run to end, so the picture holds the whole story: joins, the terminate mark, the exits.
        await waitForRows(page, 'Processes', `run ${S08.file} finished`, (rows) => {
          const b = runBlock(rows, S08.file);
          return b && /exited/.test(b.run.description);
        }, { timeoutMs: 40000 });
        const runRow = page.locator(rowsOf('Processes')).filter({ has: page.locator('.label-name', { hasText: S08.file }) }).first();
        await clickInlineAction(page, runRow, 'Show Timeline');
        // The webview's document sits two iframes down (VS Code's host frame, then the content).
        const chart = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
        for (const name of ['MainProcess', ...CHILDREN]) {
          await chart.locator('.lane .lane-name', { hasText: name }).first().waitFor({ state: 'visible', timeout: 30000 });
        }
        const marks = await chart.locator('.lane [data-signal="SIGTERM"]').count();
        if (marks < 1) throw new CheckFailed('no SIGTERM mark on the timeline');
        const arrows = await chart.locator('.arrows .arrow').count();
        if (arrows < 1) throw new CheckFailed('no join() arrow on the timeline');
        log(`timeline: ${1 + CHILDREN.length} lanes, ${marks} SIGTERM mark(s), ${arrows} join arrow(s)`);
        await moveMouseAway(page);
        await screenshot(page, 'ui-05-timeline.png');
        if (state.readmePicture) await saveReadmePicture(page, README_PICTURES.timeline, () => waitForTimelineDrawn(chart, 1 + CHILDREN.length));
        // Clicking a lane finds its process in the tree: the row is selected.
        await chart.locator('.lane', { has: chart.locator('.lane-name', { hasText: 'Process-2' }) }).first().click();
        await page.locator(`${rowsOf('Processes')}[aria-selected="true"][aria-label^="Process-2, "]`).first()
          .waitFor({ state: 'visible', timeout: 20000 });
        log('clicking the Process-2 lane selected the Process-2 row in the Processes view');
      },
    },
    {
      name: 'the lesson walkthrough (palette) runs §6 from its first button',
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        await runPaletteCommand(page, 'ProcLens: Open the Lesson Walkthrough', 30000);
        await page.getByText('Learn multiprocessing with ProcLens').first().waitFor({ state: 'visible', timeout: 30000 });
        const button = page.getByRole('button', { name: 'Run: start four processes' });
        await button.waitFor({ state: 'visible', timeout: 30000 });
        await moveMouseAway(page);
        await screenshot(page, 'ui-06-walkthrough.png');
        if (state.readmePicture) {
          await saveReadmePicture(page, README_PICTURES.walkthrough, () => button.waitFor({ state: 'visible', timeout: 20000 }), { hidePanel: true });
        }
        const runsOf = (rows) => rows.filter((r) => r.level === 1 && r.label === S06.file).length;
        const before = runsOf(await readRows(page, 'Processes'));
        await button.click();
        await waitForRows(page, 'Processes', `a new ${S06.file} run started by the walkthrough`, (rows) => {
          notePids(rows);
          return runsOf(rows) > before;
        }, { timeoutMs: 60000 });
        log(`the walkthrough's button started ${S06.file} (${before} run(s) of it before, now one more)`);
      },
    },
    {
      name: 'ProcLens: Clear Exited (palette) removes the finished runs',
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        // The tree draws only the rows it has room for: with the Examples folded away, every
        // row of the three runs is drawn, so "every run finished" is read from all of them.
        const examples = page.locator(`${SIDEBAR} .pane-header`, { hasText: 'Examples' }).first();
        if ((await examples.getAttribute('aria-expanded')) === 'true') await examples.click();
        // Let all runs finish first, so what the command removes is known: every exited
        // process and every finished run, which here is everything.
        const before = await waitForRows(page, 'Processes', 'both runs finished', (rows) => {
          notePids(rows);
          const a = runBlock(rows, S06.file);
          const b = runBlock(rows, S08.file);
          // Two runs of §6 (the second from the walkthrough) and those of §8, none live.
          const runs = rows.filter((r) => r.level === 1);
          return a && b && runs.length === 2 + state.s08Runs && runs.every((r) => /exited/.test(r.description)) &&
            rows.filter((r) => r.level > 1).every((r) => /exited/.test(r.description)) && rows;
        }, { timeoutMs: 40000 });
        log(`running "ProcLens: Clear Exited" from the palette with ${before.length} rows in the Processes view`);
        await runPaletteCommand(page, 'ProcLens: Clear Exited', 30000);
        await waitForRows(page, 'Processes', 'empty Processes view after Clear Exited', (rows) => rows.length === 0, { timeoutMs: 30000 });
        // With no runs left, the view shows its welcome text again.
        await page.locator(`${SIDEBAR} .welcome-view-content`, { hasText: 'No runs yet' }).waitFor({ state: 'visible', timeout: 20000 });
        log(`the Processes view went from ${before.length} rows to 0 and shows "No runs yet" again`);
        await moveMouseAway(page);
        await screenshot(page, 'ui-04-cleared.png');
      },
    },
    {
      name: `"${STUCK.title}" (palette) reads "joining Process-1", "waiting in Lock.acquire()" and a deadlock warning`,
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        await runPaletteCommandAndPick(page, 'ProcLens: Run Example', STUCK.title, 30000);
        state.stuckStarted = Date.now();
        state.stuck = await waitForRows(page, 'Processes', `MainProcess joining Process-1, Process-1 waiting for the lock and a deadlock row in run ${STUCK.file}`, (rows) => {
          notePids(rows);
          const b = runBlock(rows, STUCK.file);
          const main = b && b.processes.find((r) => r.label === 'MainProcess' && /· joining Process-1 · [\d.]+ m?s$/.test(r.description));
          const child = b && b.processes.find((r) => r.label === 'Process-1' && /· waiting in Lock\.acquire\(\) · [\d.]+ m?s$/.test(r.description));
          const warning = main && b.processes.find((r) => r.label.startsWith('Deadlock: every process of the run is waiting for another') && r.level === main.level + 1);
          return main && child && warning && { main, child, warning };
        }, { timeoutMs: 80000 });
        log(`the deadlock is on screen ${elapsed(state.stuckStarted)} after the run started: "${state.stuck.warning.label}" — "${state.stuck.warning.description}"`);
        // The time in the row goes on by itself: nothing else changes in a stuck run.
        const before = state.stuck.child.description;
        const after = await waitForRows(page, 'Processes', 'Process-1\'s waiting time to grow', (rows) => {
          const p1 = runBlock(rows, STUCK.file)?.processes.find((r) => r.label === 'Process-1');
          return p1 && p1.description !== before && p1.description;
        }, { timeoutMs: 5000 });
        log(`Process-1 read "${before}", then "${after}"`);
      },
    },
    {
      name: 'Show Stacks (inline on Process-1, then from the palette for the whole run) opens the stacks beside the tree',
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        const pid = pidOf(state.stuck.child);
        await clickInlineAction(page, processRow('Process-1', pid), 'Show Stacks');
        await page.locator(`.tabs-container .tab[aria-label*="Stacks of Process-1 (PID ${pid})"]`).first().waitFor({ state: 'visible', timeout: 30000 });
        log(`the inline Show Stacks opened "Stacks of Process-1 (PID ${pid})"`);
        await runPaletteCommandAndPick(page, 'ProcLens: Show Stacks', `Every process of ${STUCK.file}`, 30000);
        await page.locator(`.tabs-container .tab.active[aria-label*="Stacks of ${STUCK.file}"]`).first().waitFor({ state: 'visible', timeout: 30000 });
        // The run's terminal would cover half of the document: the stacks are what is looked at now.
        if (await page.locator('#workbench\\.parts\\.panel').isVisible()) await runPaletteCommand(page, 'View: Toggle Panel Visibility', 30000);
        const editor = page.locator('.editor-instance .monaco-editor .view-lines').first();
        // Long lines wrap (the document's language default): a frame may span two drawn lines.
        const unwrapped = (t) => t.replace(/\n\s+/g, '');
        const text = await waitForText(editor, 'the stacks of both processes, the deadlock first, and report() at line 17', (t) =>
          /^\u26a0 Deadlock: every process/m.test(t) && /^MainProcess {2}PID/m.test(t) && /^ {2}Process-1 {2}PID/m.test(t) &&
          /File "[^"]*stuck_lock\.py", line 17, in report/.test(unwrapped(t)));
        const links = await page.locator('.editor-instance .monaco-editor .detected-link').count();
        if (links < 2) throw new CheckFailed(`only ${links} piece(s) of frame links drawn in the stacks document`);
        log(`the stacks document: ${text.split('\n').length} lines drawn, ${links} pieces of frame links`);
        await widenSideBar(page, 500);
        await moveMouseAway(page);
        await screenshot(page, 'ui-07-stuck-stacks.png');
        const runRow = page.locator(rowsOf('Processes')).filter({ has: page.locator('.label-name', { hasText: STUCK.file }) }).first();
        await clickInlineAction(page, runRow, 'Stop Run');
        await waitForRows(page, 'Processes', `run ${STUCK.file} stopped, its deadlock row gone`, (rows) => {
          const b = runBlock(rows, STUCK.file);
          return b && /exited/.test(b.run.description) && !b.processes.some((r) => r.label.startsWith('Deadlock'));
        }, { timeoutMs: 30000 });
        log('Stop Run ended the stuck run; the warning row went with it');
      },
    },
    {
      name: `"${POOL.title}" (palette): a Pool row under MainProcess holds three workers, each saying what it runs; then its timeline`,
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        // Wide enough for a worker's row, before the run: the picture is taken while it works.
        await widenSideBar(page, 600);
        await runPaletteCommandAndPick(page, 'ProcLens: Run Example', POOL.title, 30000);
        const busy = await waitForRows(page, 'Processes', `a Pool row with three workers running slow_square in run ${POOL.file}`, (rows) => {
          notePids(rows);
          const b = runBlock(rows, POOL.file);
          const main = b && b.processes.find((r) => r.label === 'MainProcess');
          // Some done already and three running: the picture shows the work moving.
          const pool = main && b.processes.find((r) => r.label === 'Pool' && r.level === main.level + 1 && /^3 workers · ([3-9]|1[01])\/12 done · 3 running/.test(r.description));
          const workers = pool && b.processes.filter((r) => /^ForkPoolWorker-\d$/.test(r.label) && r.level === pool.level + 1);
          const running = workers && workers.filter((r) => /· running slow_square\(\d+\) · [\d.]+ m?s · \d+ done · daemon$/.test(r.description));
          return running && workers.length === 3 && running.length >= 2 && { pool, running };
        }, { timeoutMs: 60000 });
        log(`the pool reads "${busy.pool.description}"; ${busy.running.map((r) => `${r.label} "${r.description}"`).join('; ')}`);
        await moveMouseAway(page);
        await screenshot(page, 'ui-08-pool.png');
        const done = await waitForRows(page, 'Processes', `run ${POOL.file} finished with 12/12 done`, (rows) => {
          const b = runBlock(rows, POOL.file);
          const pool = b && b.processes.find((r) => r.label === 'Pool');
          return b && /exited 0/.test(b.run.description) && pool && pool.description === '3 workers, all exited · 12/12 done' && pool;
        }, { timeoutMs: 40000 });
        log(`when the run ended the pool read "${done.description}"`);
        const runRow = page.locator(rowsOf('Processes')).filter({ has: page.locator('.label-name', { hasText: POOL.file }) }).first();
        await clickInlineAction(page, runRow, 'Show Timeline');
        const chart = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
        await chart.locator('.lane .lane-name', { hasText: 'ForkPoolWorker-3' }).first().waitFor({ state: 'visible', timeout: 30000 });
        const tasks = await chart.locator('.lane .tasks, .lane .task').count();
        if (tasks < 3) throw new CheckFailed(`only ${tasks} task strip(s) drawn on the workers' lanes`);
        log(`timeline: ${tasks} task strips on the workers' lanes`);
        await moveMouseAway(page);
        await screenshot(page, 'ui-09-pool-timeline.png');
      },
    },
    {
      name: `"${CTRL_C.title}": Ctrl+C typed in the run's terminal raises KeyboardInterrupt, the cleanup runs, the exit line comes last`,
      timeoutMs: 120000,
      async run() {
        const { page } = state;
        await runPaletteCommandAndPick(page, 'ProcLens: Run Example', CTRL_C.title, 30000);
        await waitForRows(page, 'Processes', `three busy workers in run ${CTRL_C.file}`, (rows) => {
          notePids(rows);
          const b = runBlock(rows, CTRL_C.file);
          return b && b.processes.filter((r) => /^ForkPoolWorker-\d$/.test(r.label) && /· running slow_square/.test(r.description)).length === 3;
        }, { timeoutMs: 60000 });
        await waitForTerminalText(page, 'the program asking for Ctrl+C', (t) => t.includes('press Ctrl+C'), 30000);
        // As a person does: click into the terminal, then type Ctrl+C.
        // A click where the text is, on whatever the terminal lays over its rows (its widget layer).
        const box = await page.locator('.xterm-rows').filter({ hasText: 'press Ctrl+C' }).first().boundingBox();
        await page.mouse.click(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
        await page.keyboard.press('Control+C');
        const exitLine = `[ProcLens] ${CTRL_C.file} exited with code 0`;
        const text = await waitForTerminalText(page, 'the cleanup lines, then the exit line', (t) => t.includes('cleanup done') && t.includes(exitLine), 30000);
        const lines = text.split('\n').map((l) => l.trimEnd()).filter(Boolean);
        const order = ['press Ctrl+C', '^CKeyboardInterrupt in the main process: cleaning up', 'cleanup done', exitLine].map((part) => lines.findIndex((l) => l.includes(part)));
        if (order.some((at, i) => at < 0 || (i > 0 && at <= order[i - 1]))) {
          throw new CheckFailed(`the terminal shows these lines out of order (${order}):\n${lines.join('\n')}`);
        }
        const block = await waitForRows(page, 'Processes', `run ${CTRL_C.file} exited 0, its workers exited ${MINUS}15 (SIGTERM)`, (rows) => {
          notePids(rows);
          const b = runBlock(rows, CTRL_C.file);
          const workers = b && b.processes.filter((r) => /^ForkPoolWorker-\d$/.test(r.label));
          return b && /exited 0/.test(b.run.description) && workers.length === 3 && workers.every((r) => r.description.includes(`exited ${MINUS}15 (SIGTERM)`)) && b;
        }, { timeoutMs: 30000 });
        log(`after Ctrl+C the terminal reads: ${lines.slice(-4).join(' | ')}; the run reads "${block.run.description}"`);
        await moveMouseAway(page);
        await screenshot(page, 'ui-10-ctrl-c.png');
      },
    },
    {
      name: 'the Extensions view lists ProcLens among the installed extensions; its page shows its icon',
      timeoutMs: 90000,
      async run() {
        const { page } = state;
        // As a person does: the Extensions item of the activity bar. With no marketplace (as
        // here, and offline) the view lists the installed extensions; else search @installed.
        await page.locator('.activitybar .action-item a[aria-label^="Extensions"]').first().click();
        const entry = page.locator('.extensions-viewlet .monaco-list-row').filter({
          has: page.locator('.extension-list-item .name', { hasText: /^\s*ProcLens\s*$/ }),
        }).first();
        const shown = await entry.waitFor({ state: 'visible', timeout: 15000 }).then(() => true, () => false);
        if (!shown) {
          await page.locator('.extensions-viewlet .suggest-input-container').first().click();
          await page.keyboard.type('@installed ProcLens');
          await entry.waitFor({ state: 'visible', timeout: 30000 });
        }
        const listed = await page.locator('.extensions-viewlet .monaco-list-row .extension-list-item .name').allTextContents();
        log(`installed extensions listed: ${listed.map((t) => `"${t.trim()}"`).join(', ')}`);
        await entry.click();
        const editor = page.locator('.editor-group-container.active .extension-editor').first();
        await editor.locator('.header .name', { hasText: /^\s*ProcLens\s*$/ }).waitFor({ state: 'visible', timeout: 30000 });
        const icon = editor.locator('.header .icon-container img.icon').first();
        // Loaded, or given up on: the workbench swaps in its default icon when ours fails to load.
        await icon.evaluate((img) => new Promise((resolve) => {
          const settled = () => img.complete && img.src;
          const poll = () => (settled() ? resolve() : setTimeout(poll, 100)); // a polling interval
          poll();
        }));
        const loaded = await icon.evaluate(async (img) => {
          let bytes = -1;
          try { bytes = (await (await fetch(img.src)).arrayBuffer()).byteLength; } catch { /* reported as -1 */ }
          return { src: img.src, naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, visible: img.offsetWidth > 0 && getComputedStyle(img).visibility !== 'hidden', bytes };
        });
        const expected = fs.statSync(path.join(repoRoot, 'media', 'icon.png')).size;
        log(`the extension page's icon: ${loaded.naturalWidth}x${loaded.naturalHeight}, ${loaded.bytes} bytes, from ${loaded.src}`);
        if (!/\/media\/icon\.png(?=$|[?&#])/.test(decodeURIComponent(loaded.src))) {
          throw new CheckFailed(`the extension page's icon comes from ${loaded.src}, not media/icon.png`);
        }
        if (!(loaded.naturalWidth > 0) || !loaded.visible) throw new CheckFailed(`the extension page's icon did not load (naturalWidth ${loaded.naturalWidth}, visible ${loaded.visible})`);
        if (loaded.bytes !== expected) throw new CheckFailed(`the extension page's icon has ${loaded.bytes} bytes; media/icon.png has ${expected}`);
        await moveMouseAway(page);
        await screenshot(page, 'ui-11-extension-page.png');
      },
    },
  ];
}

/** Polls the text of the lines a Monaco editor shows until `test(text)` holds; returns the text. */
async function waitForText(lines, what, test, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await lines.evaluate((element) => [...element.querySelectorAll('.view-line')]
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((line) => line.textContent.replace(/\u00a0/g, ' ')).join('\n'));
    if (test(text)) return text;
    if (Date.now() > until) throw new CheckFailed(`the editor does not show ${what}; it shows:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a polling interval
  }
}

/**
 * Polls the text of the terminal on screen (xterm's rows, drawn as text since the test turns GPU
 * drawing off) until `test(text)` holds; returns the text, one line per row.
 */
async function waitForTerminalText(page, what, test, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    text = await page.evaluate(() => [...document.querySelectorAll('.xterm-rows')]
      .filter((rows) => rows.offsetParent !== null)
      .map((rows) => [...rows.children].map((row) => row.textContent.replace(/\u00a0/g, ' ').trimEnd()).join('\n'))
      .join('\n'));
    if (test(text)) return text;
    if (Date.now() > until) throw new CheckFailed(`the terminal does not show ${what}; it shows:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 200)); // a polling interval
  }
}

/** Waits until the workbench has laid itself out for the current window size. */
async function waitForLayout(page, { width, height }) {
  await page.waitForFunction(({ w, h }) => {
    const bench = document.querySelector('.monaco-workbench');
    return bench && bench.offsetWidth === w && bench.offsetHeight === h;
  }, { w: width, h: height }, { timeout: 20000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/**
 * Saves one of the README pictures (docs/screenshot-*.png): the whole window at a smaller size,
 * so nothing is cut off. `prepare` arranges what is shown once the window has that size;
 * `hidePanel` hides the panel (the terminals) for the picture, so the editor has the height.
 * The mouse is parked on the empty part of the tab bar (no hover, no highlighted row), and the
 * window goes back to how it was afterwards.
 */
async function saveReadmePicture(page, file, prepare = async () => {}, { hidePanel = false } = {}) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const panel = page.locator('#workbench\\.parts\\.panel');
  const panelHidden = hidePanel && (await panel.isVisible());
  await page.setViewportSize(README_VIEWPORT);
  try {
    if (panelHidden) {
      await runPaletteCommand(page, 'View: Toggle Panel Visibility', 30000);
      await panel.waitFor({ state: 'hidden', timeout: 10000 });
    }
    await waitForLayout(page, README_VIEWPORT);
    await prepare();
    const tabs = await page.locator('.editor-group-container.active .tabs-and-actions-container').first().boundingBox();
    if (tabs) await page.mouse.move(tabs.x + tabs.width * 0.55, tabs.y + tabs.height / 2);
    await page.locator('.monaco-hover, .workbench-hover').first()
      .waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    await page.screenshot({ path: file });
    log(`README picture ${path.relative(repoRoot, file)} (${README_VIEWPORT.width}x${README_VIEWPORT.height})`);
  } finally {
    if (panelHidden) {
      await runPaletteCommand(page, 'View: Toggle Panel Visibility', 30000);
      await panel.waitFor({ state: 'visible', timeout: 10000 });
    }
    await page.setViewportSize(VIEWPORT);
    await waitForLayout(page, VIEWPORT);
  }
}

/**
 * The README's first picture: the ProcLens side bar showing the finished §6 run, the program's
 * code (scrolled past the header comments) and the output in its terminal.
 */
async function saveProcessesPicture(page) {
  await saveReadmePicture(page, README_PICTURES.processes, async () => {
    // Scroll the editor so that the code, not the header comments, is in view, as a person
    // would: click into the editor, Ctrl+Home, then Ctrl+Down (scroll one line) per comment line.
    const source = fs.readFileSync(path.join(examplesFolder, S06.file), 'utf8').split('\n');
    const firstCode = source.findIndex((line) => /^(import|from)\s/.test(line));
    if (firstCode > 0) {
      await page.locator('.editor-instance .monaco-editor .view-lines').first().click({ position: { x: 5, y: 5 } });
      await page.keyboard.press('Control+Home');
      for (let i = 0; i < firstCode; i++) await page.keyboard.press('Control+ArrowDown');
      await page.waitForFunction(() => {
        const content = document.querySelector('.editor-instance .monaco-editor .lines-content');
        if (!content) return false;
        const offset = parseFloat(content.style.top || '0');
        const lines = [...content.querySelectorAll('.view-line')]
          .map((l) => ({ top: parseFloat(l.style.top) + offset, text: l.textContent.replace(/\u00a0/g, ' ') }))
          .filter((l) => l.top >= -1).sort((a, b) => a.top - b.top);
        return lines.length > 0 && /^(import|from)\s/.test(lines[0].text);
      }, null, { timeout: 10000 }).catch(() => log('(the editor did not scroll to the code; the picture shows the top of the file)'));
    }
  });
}

/**
 * Waits until a timeline (a webview, redrawn when its panel is resized) has drawn `lanes` at
 * its current width: the chart's width read the same twice in a row, one frame apart.
 */
async function waitForTimelineDrawn(chart, lanes) {
  await chart.locator('.lane').nth(lanes - 1).waitFor({ state: 'visible', timeout: 20000 });
  await chart.locator('body').evaluate(() => new Promise((resolve, reject) => {
    const until = Date.now() + 10000;
    let last = -1;
    const step = () => {
      const width = document.body.clientWidth;
      if (width === last) return resolve();
      if (Date.now() > until) return reject(new Error('the timeline kept changing its width'));
      last = width;
      requestAnimationFrame(() => requestAnimationFrame(step));
    };
    step();
  }));
}

// ---------------------------------------------------------------------------------------------

async function printWhatWasShown(state) {
  if (!state.page) return;
  try {
    printRows('Examples view showed', await readRows(state.page, 'Examples'));
    printRows('Processes view showed', await readRows(state.page, 'Processes'));
    const toasts = await notifications(state.page);
    if (toasts.length) log(`notifications: ${toasts.join(' | ')}`);
  } catch (err) {
    log(`could not read the views: ${err.message}`);
  }
}

/**
 * PIDs seen in the Processes view that still run one of the examples after code-server stopped.
 * (The programs run in process groups of their own, so stopping code-server's group does not
 * reach them; the extension is meant to stop them when it is deactivated.)
 */
function survivingPrograms(pids) {
  const programs = fs.readdirSync(examplesFolder).filter((f) => f.endsWith('.py'));
  return [...pids].filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
      // The extension runs its own copy of the examples, so compare file names, not folders.
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv.some((arg) => programs.includes(path.basename(arg)));
    } catch {
      return false;
    }
  });
}

// What the run has counted so far, and what it has started: a signal handler needs both.
// Every check that did not pass (failed, or not run after a failure or a signal) counts as
// failed, and so does an example program that outlived code-server.
const tally = { passed: 0, total: 0, leftRunning: 0 };
let cleanupPromise;

/**
 * Closes chromium, stops code-server (its whole process group) and kills any example program
 * that outlived it. Runs once; later calls get the same promise. Resolves to the number of
 * programs that had to be killed.
 */
function cleanup(state) {
  cleanupPromise = cleanupPromise || (async () => {
    if (state.context) await browser.closeBrowser(state.context, log);
    if (state.server) await state.server.stop();
    fs.rmSync(state.browserDir, { recursive: true, force: true });
    const survivors = survivingPrograms(state.pids);
    if (survivors.length) {
      // The extension stops its runs when it is deactivated (proclens.terminateOnExit);
      // whatever is left must not outlive the test.
      console.error(`[ui] example programs still running after code-server stopped (the extension did not stop its runs): PIDs ${survivors.join(' ')}; killing them`);
      for (const pid of survivors) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    }
    return survivors.length;
  })();
  return cleanupPromise;
}

async function main(state) {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--no-readme-picture');
  if (unknown.length) throw new Error(`unknown argument ${unknown[0]}; usage: runUiSmokeTest.js [--no-readme-picture]`);
  state.readmePicture = !args.includes('--no-readme-picture');
  const started = Date.now();
  fs.mkdirSync(resultsDir, { recursive: true });
  for (const f of fs.readdirSync(resultsDir)) if (/^ui-.*\.png$/.test(f)) fs.rmSync(path.join(resultsDir, f));

  const list = checks(state);
  tally.total = list.length;
  try {
    for (const [i, check] of list.entries()) {
      const t0 = Date.now();
      polling.check = i + 1;
      log(`[${i + 1}/${list.length}] ${check.name}`);
      const limit = deadline(check.timeoutMs, `time limit of ${check.timeoutMs / 1000} s reached`);
      // A check that loses the race against its time limit may still reject later (its page
      // closes under it): that must not become an unhandled rejection, which ends node.
      const running = check.run();
      running.catch(() => {});
      try {
        await Promise.race([running, limit.promise]);
        tally.passed++;
        log(`ok ${i + 1} - ${check.name} (${elapsed(t0)})`);
      } catch (err) {
        polling.check = -1;
        if (state.stopping) break; // a signal: the handler cleans up
        console.error(`[ui] FAILED ${i + 1} - ${check.name} (${elapsed(t0)}): ${err instanceof CheckFailed ? err.message : err.stack || err}`);
        if (state.page) {
          await state.page.screenshot({ path: path.join(resultsDir, 'ui-failure.png'), timeout: 20000 })
            .then(() => log('screenshot test-results/ui-failure.png'), (e) => log(`no failure screenshot: ${e.message}`));
        }
        await printWhatWasShown(state);
        if (state.server && !state.page) {
          console.error(`[ui] last output of code-server:\n${state.server.output().split('\n').slice(-20).join('\n')}`);
        }
        const rest = list.slice(i + 1);
        if (rest.length) {
          log(`not run after the failure (counted as failed): ${rest.map((c) => c.name).join('; ')}`);
        }
        break;
      } finally {
        limit.clear();
      }
    }
  } finally {
    // A program left running is a failure of its own (the extension should have stopped it).
    tally.leftRunning = await cleanup(state);
  }
  log(`finished in ${elapsed(started)}`);
}

const state = { pids: new Set(), joining: new Set(), browserDir: fs.mkdtempSync(path.join(os.tmpdir(), 'proclens-ui-chromium-')) };
let finished = false;
/** Prints the summary (always the last line) and exits; only the first call counts. */
function finish(code) {
  if (finished) return;
  finished = true;
  const failed = (tally.total ? tally.total - tally.passed : 1) + (tally.leftRunning ? 1 : 0);
  console.log(`ui: ${tally.passed} passed, ${failed} failed`);
  process.exit(code === undefined ? (failed === 0 ? 0 : 1) : code);
}

// On a signal: clean up (bounded, so a wedged browser cannot hang us), count the checks not
// passed as failed, exit. process.exit() also runs codeServer.js's 'exit' handler, which kills
// code-server's process group if stop() did not get to it.
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
  process.on(signal, () => {
    if (state.stopping) return;
    state.stopping = true;
    console.error(`[ui] ${signal}: stopping`);
    const limit = deadline(20000, 'cleanup timed out');
    Promise.race([cleanup(state), limit.promise]).then((left) => { tally.leftRunning = left; },
      (err) => console.error(`[ui] ${err.message}`)).finally(() => finish(code));
  });
}
process.on('exit', () => fs.rmSync(state.browserDir, { recursive: true, force: true }));

main(state).catch((err) => {
  console.error(`[ui] FAILED: ${err.stack || err}`);
}).then(() => {
  if (!state.stopping) finish();
});
