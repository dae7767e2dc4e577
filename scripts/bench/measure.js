'use strict';
// Small helpers for the benchmarks: summarise and judge.

/** Median, min and max of a list of numbers. */
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95), min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

const fmt = (value, digits = 1) => (value === undefined ? '–' : Number(value).toFixed(digits));
const fmtSummary = (s, unit = 'ms', digits = 1) => `${fmt(s.median, digits)} ${unit} (min ${fmt(s.min, digits)}, max ${fmt(s.max, digits)}, n=${s.n})`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The verdict on "following adds at most `limit` points of CPU", from interleaved windows with
 * nothing followed (`idle`) and while following (`following`). A difference is only believed
 * when it is larger than the windows' own spread: one window each, or a difference within the
 * spread (a negative one included), says so with the figures instead of "met".
 */
function addedCpuVerdict(idle, following, limit) {
  const a = summary(idle);
  const b = summary(following);
  const added = b.median - a.median;
  const spread = Math.max(a.max - a.min, b.max - b.min);
  const figures = `${added >= 0 ? '+' : ''}${fmt(added, 2)} points (medians), run-to-run spread ${fmt(spread, 2)}`;
  if (a.n < 2 || b.n < 2) return `not judged, one window each: ${figures}`;
  if (Math.abs(added) <= spread) return `within noise: ${figures}`;
  if (added < 0) return `not judged, following used less than idle beyond the spread: ${figures}`;
  return `${added <= limit ? 'met' : 'NOT met'}: ${figures}`;
}

module.exports = { summary, fmt, fmtSummary, sleep, addedCpuVerdict };
