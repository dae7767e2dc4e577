'use strict';
// Debian's chromium driven by playwright-core, as the integration and UI tests use it.

const CHROMIUM = '/usr/bin/chromium';
// Without the networking flags chromium keeps dialling hosts this machine cannot reach.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Rejects after `ms` with `makeError(message)`; `clear()` disarms it.
function deadline(ms, message, makeError = (text) => new Error(text)) {
  let timer;
  const promise = new Promise((_, reject) => { timer = setTimeout(() => reject(makeError(message)), ms); });
  return { promise, clear: () => clearTimeout(timer) };
}

// Close the browser, but never let a wedged browser hang the run: playwright kills the
// browser's process group itself when this process exits.
async function closeBrowser(context, log) {
  const limit = deadline(15000, 'closing chromium timed out');
  try {
    await Promise.race([context.close(), limit.promise]);
  } catch (err) {
    log(`${err.message}; it is killed when this process exits`);
  } finally {
    limit.clear();
  }
}

module.exports = { CHROMIUM, CHROMIUM_ARGS, deadline, closeBrowser };
