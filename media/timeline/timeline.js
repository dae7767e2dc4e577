// @ts-check
'use strict';
// Draws one run's timeline from the view the extension posts (src/core/timeline/timelineView.ts).
// Every word shown arrives in that message, already translated: this script only places things.
// Sizes and positions are SVG attributes, never style attributes: the page's policy forbids those.
//
// Structure and geometry are apart: `render` builds the elements once per view (when the model
// changed); `layout` only moves them, when the clock advances or the panel is resized. A run of
// 200 processes with 200 calls each is drawn with one path per lane for its ended calls, and a
// pool worker's ended tasks likewise.

(function () {
  // @ts-ignore: provided by the webview host
  const host = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const ROW = 28;
  const BAR = 12;
  const BAR_TOP = (ROW - BAR) / 2;
  const THREAD_ROW = 18;
  const THREAD_BAR = 6;
  const THREAD_BAR_TOP = (THREAD_ROW - THREAD_BAR) / 2;
  /** A pool worker's tasks: a strip just under its bar, apart from the blocked calls drawn over it. */
  const TASK_TOP = BAR_TOP + BAR + 1;
  const TASK_HEIGHT = 4;
  const AXIS = 22;
  const LABELS = 240;
  const PID_WIDTH = 80;
  const INDENT = 14;
  const GAP = 8;
  /** Room after the bars for the exit code. */
  const RIGHT = 130;
  /** How near (in pixels) the pointer must be to an ended call for its hover. */
  const NEAR = 3;

  const title = /** @type {HTMLElement} */ (document.getElementById('title'));
  const legend = /** @type {HTMLElement} */ (document.getElementById('legend'));
  const chart = /** @type {HTMLElement} */ (document.getElementById('chart'));
  const tip = /** @type {HTMLElement} */ (document.getElementById('tip'));

  /** The last view received, its calls unpacked; its `clock` is replaced as time passes. */
  let view;
  /** Ended calls by id: the extension sends each once, then only its id. */
  let calls = new Map();
  /** Ended pool tasks by id, likewise; their hovers go by `task/` and the id. */
  let tasks = new Map();
  /** Hover texts by id: the ids survive redraws, the elements do not. */
  let tips = new Map();
  /** Each moves one element to where the clock and the width put it. */
  let placers = [];
  /** The chart's root, per lane its row group, and the ended calls (or tasks) behind each path. */
  let root;
  let laneGroups = new Map();
  const pathItems = new WeakMap();
  let drawnWidth = 0;
  /** How many times the chart was built: a model that did not change must not add to it. */
  let renders = 0;
  /** Time to x, for the current clock and width. */
  let x = (/** @type {number} */ time) => time;
  /** What the pointer is over, by id, and where. */
  let hover = { id: '', x: 0, y: 0 };

  window.addEventListener('message', (event) => {
    const message = event.data;
    if (message && message.type === 'timeline') {
      const unpacked = unpack(message.view);
      if (!unpacked) {
        // It names a call this page never got (the page was reloaded meanwhile): ask for everything again.
        host.postMessage({ type: 'ready' });
        return;
      }
      view = unpacked;
      render();
    } else if (message && message.type === 'clock' && view) {
      view.clock = message.clock;
      advance(undefined);
    }
  });
  new ResizeObserver(() => {
    if (view && root && chart.clientWidth !== drawnWidth) {
      layout();
    }
  }).observe(chart);
  chart.addEventListener('pointerover', (event) => pointAt(event));
  chart.addEventListener('pointermove', (event) => pointAt(event));
  chart.addEventListener('pointerleave', () => {
    hover.id = '';
    showTip();
  });
  chart.addEventListener('click', (event) => {
    const lane = /** @type {Element} */ (event.target).closest('.lane');
    if (lane) {
      host.postMessage({ type: 'reveal', key: lane.getAttribute('data-key') });
    }
  });
  chart.addEventListener('keydown', (event) => {
    const lane = /** @type {Element} */ (event.target).closest('.lane');
    if (!lane) {
      return;
    }
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      host.postMessage({ type: 'reveal', key: lane.getAttribute('data-key') });
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const lanes = [...chart.querySelectorAll('.lane')];
      const next = lanes[lanes.indexOf(lane) + (event.key === 'ArrowDown' ? 1 : -1)];
      if (next) {
        /** @type {SVGElement} */ (next).focus();
      }
    }
  });
  host.postMessage({ type: 'ready' });

  /** The view with every call's and task's id replaced by the item; undefined if one is unknown here. */
  function unpack(wire) {
    const keptCalls = new Map();
    const keptTasks = new Map();
    let complete = true;
    const resolve = (list, known, kept) =>
      list.map((entry) => {
        const item = typeof entry === 'number' ? known.get(entry) : entry;
        if (!item) {
          complete = false;
        } else if (!item.open) {
          kept.set(item.id, item);
        }
        return item;
      });
    const lanes = wire.lanes.map((lane) => ({
      ...lane,
      waits: resolve(lane.waits, calls, keptCalls),
      threads: lane.threads.map((thread) => ({ ...thread, waits: resolve(thread.waits, calls, keptCalls) })),
      tasks: resolve(lane.tasks, tasks, keptTasks),
    }));
    if (!complete) {
      return undefined;
    }
    // The extension forgets what this view does not name; so does the page.
    calls = keptCalls;
    tasks = keptTasks;
    return { ...wire, lanes };
  }

  /** An SVG element with these attributes (undefined ones left out) and text. */
  function svg(name, attributes, text) {
    const node = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) {
      if (value !== undefined) {
        node.setAttribute(key, String(value));
      }
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /** Gives an element a hover text, under an id that survives redraws. */
  function withTip(node, id, text) {
    tips.set(String(id), text);
    node.setAttribute('data-tip-id', String(id));
    return node;
  }

  /** Where a stretch ends now: an open one at the clock. */
  const endOf = (item) => (item.open ? view.clock.end : item.to);

  function render() {
    const started = performance.now();
    const focused = document.activeElement && chart.contains(document.activeElement) ? document.activeElement.getAttribute('data-key') : null;
    title.textContent = view.title;
    legend.replaceChildren(
      ...view.legend.map((entry) => {
        const item = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.className = `swatch swatch-${entry.kind}`;
        item.append(swatch, entry.label);
        return item;
      }),
    );
    renders++;
    tips = new Map();
    placers = [];
    laneGroups = new Map();
    if (!view.lanes.length) {
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = view.empty;
      root = undefined;
      chart.replaceChildren(empty);
    } else {
      root = drawChart();
      chart.replaceChildren(root);
    }
    if (focused) {
      const again = chart.querySelector(`.lane[data-key="${CSS.escape(focused)}"]`);
      if (again) {
        /** @type {SVGElement} */ (again).focus();
      }
    }
    advance(performance.now() - started);
  }

  /**
   * The clock moved (or a view arrived): its titles, its problems, and every stretch's
   * length. `drawMs`, after a whole redraw, tells the extension how long that took.
   */
  function advance(drawMs) {
    const started = performance.now();
    for (const { id, title: text } of view.clock.open) {
      tips.set(String(id), text);
    }
    if (root) {
      layout();
    }
    showTip();
    const elapsed = drawMs === undefined ? undefined : drawMs + performance.now() - started;
    host.postMessage({ type: 'rendered', report: report(), drawMs: elapsed });
  }

  function drawChart() {
    let y = AXIS;
    const chartRoot = svg('svg', { role: 'group', 'aria-label': view.chartLabel });
    chartRoot.append(definitions(), svg('g', { class: 'axis', 'aria-hidden': 'true' }));
    for (const lane of view.lanes) {
      chartRoot.append(drawLane(lane, y));
      y += ROW + lane.threads.length * THREAD_ROW;
    }
    chartRoot.append(svg('g', { class: 'arrows', 'aria-hidden': 'true' }));
    chartRoot.setAttribute('height', String(y + GAP));
    return chartRoot;
  }

  function definitions() {
    const defs = svg('defs', {});
    const marker = svg('marker', { id: 'arrowhead', viewBox: '0 0 8 8', refX: 7, refY: 4, markerWidth: 7, markerHeight: 7, orient: 'auto' });
    marker.append(svg('path', { d: 'M0,0 L8,4 L0,8 z', class: 'arrowhead' }));
    // Long names stop before the PID column rather than run into it.
    const clip = svg('clipPath', { id: 'name-clip' });
    clip.append(svg('rect', { x: 0, y: 0, width: LABELS - PID_WIDTH - GAP, height: ROW }));
    defs.append(marker, clip);
    return defs;
  }

  /** Time to x for the chart's width now; moves every element there. */
  function layout() {
    drawnWidth = chart.clientWidth;
    const width = Math.max(drawnWidth, LABELS + RIGHT + 160);
    const { start } = view;
    const { end } = view.clock;
    const span = Math.max(end - start, 1);
    const right = width - RIGHT;
    x = (time) => LABELS + ((Math.min(Math.max(time, start), end) - start) / span) * (right - LABELS);
    root.setAttribute('width', String(width));
    for (const background of root.querySelectorAll('.lane-bg')) {
      background.setAttribute('width', String(width));
    }
    drawAxis();
    placers.forEach((place) => place());
    drawArrows();
    drawProblems();
  }

  function drawAxis() {
    const group = /** @type {Element} */ (root.querySelector('.axis'));
    const bottom = Number(root.getAttribute('height'));
    group.replaceChildren(
      ...view.clock.axis.flatMap((tick, index) => {
        const at = x(tick.time);
        return [
          svg('line', { class: 'grid', x1: at, x2: at, y1: AXIS - 4, y2: bottom }),
          svg('text', { class: 'axis-label', x: at, y: AXIS - 8, 'text-anchor': index === 0 ? 'start' : 'middle' }, tick.label),
        ];
      }),
    );
    // In a narrow panel the labels would run into each other: keep every grid line, and only
    // the labels that have room after the last one kept.
    let lastRight = -Infinity;
    for (const label of /** @type {NodeListOf<SVGTextElement>} */ (group.querySelectorAll('.axis-label'))) {
      const width = label.getComputedTextLength();
      const at = Number(label.getAttribute('x'));
      const left = label.getAttribute('text-anchor') === 'start' ? at : at - width / 2;
      if (left < lastRight + GAP) label.remove();
      else lastRight = left + width;
    }
  }

  function drawLane(lane, top) {
    const group = svg('g', {
      class: `lane lane-${lane.state}`,
      transform: `translate(0 ${top})`,
      tabindex: 0,
      role: 'button',
      'aria-label': lane.label,
      'data-key': lane.key,
      'data-pid': lane.pid,
    });
    const height = ROW + lane.threads.length * THREAD_ROW;
    group.append(svg('rect', { class: 'lane-bg', x: 0, y: 0, height, rx: 3 }));
    const row = svg('g', { class: 'process-row' });
    group.append(row);
    row.append(name('lane-name', GAP + lane.depth * INDENT, ROW / 2, lane.name, `${lane.key}/name`, lane.nameTitle));
    row.append(svg('text', { class: 'lane-pid', x: LABELS - GAP, y: ROW / 2, 'dominant-baseline': 'central', 'text-anchor': 'end' }, lane.pidText));

    lane.segments.forEach((segment) => {
      // A zombie is drawn thinner too, so it reads without the colour.
      const thin = segment.kind === 'zombie' ? BAR / 4 : 0;
      const rect = withTip(svg('rect', { class: `segment segment-${segment.kind}`, y: BAR_TOP + thin, height: BAR - 2 * thin, rx: 2 }), segment.id, segment.title);
      row.append(rect);
      placers.push(() => span(rect, segment.from, endOf(segment)));
    });
    drawCalls(row, lane.waits, BAR_TOP, BAR);
    drawTasks(row, lane.tasks);
    if (lane.reapedAt !== undefined && lane.reapedTitle) {
      const line = withTip(svg('line', { class: 'reaped', y1: BAR_TOP - 3, y2: BAR_TOP + BAR + 3 }), `${lane.key}/reaped`, lane.reapedTitle);
      row.append(line);
      placers.push(() => at(line, lane.reapedAt));
    }
    lane.marks.forEach((mark, k) => {
      const kind = mark.signal === 'SIGKILL' ? 'kill' : 'term';
      const path = withTip(svg('path', { class: `mark mark-${kind}`, 'data-signal': mark.signal }), `${lane.key}/mark/${k}`, mark.title);
      row.append(path);
      placers.push(() => {
        const where = x(mark.time);
        path.setAttribute('d', `M${where - 5},${BAR_TOP - 7} L${where + 5},${BAR_TOP - 7} L${where},${BAR_TOP + 1} z`);
      });
    });
    if (lane.exit && lane.exitText) {
      const exit = lane.exit;
      const tick = svg('line', { class: 'exit-tick', y1: BAR_TOP - 2, y2: BAR_TOP + BAR + 2 });
      const kind = exit.signal ? 'signal' : exit.code === 0 ? 'ok' : 'failed';
      const text = withTip(
        svg('text', { class: `exit-text exit-${kind}`, y: ROW / 2, 'dominant-baseline': 'central' }, lane.exitText),
        `${lane.key}/exit`,
        lane.exitTitle,
      );
      row.append(tick, text);
      placers.push(() => {
        at(tick, exit.time);
        const lastX = lane.segments.reduce((last, segment) => Math.max(last, x(endOf(segment)), x(segment.from) + 1), LABELS);
        text.setAttribute('x', String(lastX + GAP));
      });
    }
    const problems = svg('g', { class: 'problems' });
    row.append(problems);
    lane.threads.forEach((thread, k) => group.append(drawThread(thread, lane.depth, ROW + k * THREAD_ROW)));
    laneGroups.set(lane.key, { top, problems });
    return group;
  }

  /** A thread's thin row: its name, a bar from its start to its end, and its calls on it. */
  function drawThread(thread, depth, top) {
    const row = svg('g', { class: 'thread-row', transform: `translate(0 ${top})`, 'data-tid': thread.tid });
    row.append(name('thread-name', GAP + (depth + 1) * INDENT, THREAD_ROW / 2, thread.nameText, thread.id, thread.title));
    const bar = withTip(svg('rect', { class: 'thread-bar', y: THREAD_BAR_TOP, height: THREAD_BAR, rx: 1 }), thread.id, thread.title);
    row.append(bar);
    placers.push(() => span(bar, thread.from, endOf(thread)));
    drawCalls(row, thread.waits, THREAD_BAR_TOP, THREAD_BAR);
    return row;
  }

  /** A name in the label column, cut before the PID column. */
  function name(className, left, middle, text, id, title) {
    const clipped = svg('g', { 'clip-path': 'url(#name-clip)' });
    clipped.append(withTip(svg('text', { class: className, x: left, y: middle, 'dominant-baseline': 'central' }, text), id, title));
    return clipped;
  }

  /**
   * Blocked calls over a bar: those still blocked as rectangles of their own, the ended
   * ones as one path whose hover finds the call under the pointer. The path is drawn in
   * milliseconds and scaled to the clock, so time passing changes one attribute, not
   * every call; its stroke, not scaled, keeps the shortest call a pixel wide.
   */
  function drawCalls(row, waits, top, height) {
    const ended = waits.filter((wait) => !wait.open);
    if (ended.length) {
      endedPath(row, 'waits', ended, '', top, height);
    }
    for (const wait of waits.filter((w) => w.open)) {
      const rect = withTip(svg('rect', { class: 'wait wait-open', y: top, height, 'data-call': wait.call }), wait.id, wait.title);
      row.append(rect);
      placers.push(() => span(rect, wait.from, endOf(wait)));
    }
  }

  /**
   * A pool worker's tasks on a strip under its bar, as its calls are drawn: the ended
   * ones as one path per outcome (done, raised, lost with its worker), the running one
   * as a rectangle that grows with the clock.
   */
  function drawTasks(row, laneTasks) {
    for (const outcome of ['done', 'failed', 'lost']) {
      const ended = laneTasks.filter((task) => !task.open && task.outcome === outcome);
      // Tasks back to back would read as one: every other one is drawn a shade lighter.
      for (const parity of [0, 1]) {
        const shade = ended.filter((task, index) => index % 2 === parity);
        if (shade.length) {
          endedPath(row, `tasks tasks-${outcome}${parity ? ' tasks-alternate' : ''}`, shade, 'task/', TASK_TOP, TASK_HEIGHT);
        }
      }
    }
    for (const task of laneTasks.filter((t) => t.open)) {
      const rect = withTip(svg('rect', { class: `task task-${task.outcome}`, y: TASK_TOP, height: TASK_HEIGHT }), `task/${task.id}`, task.title);
      row.append(rect);
      placers.push(() => span(rect, task.from, endOf(task)));
    }
  }

  /**
   * Ended stretches (calls or tasks, in time order) as one path. Their hover texts are
   * looked up among the items kept, not copied: there can be 40,000; `prefix` tells
   * which items (`task/` for tasks).
   */
  function endedPath(row, className, items, prefix, top, height) {
    const path = svg('path', { class: className, d: stretchesPath(items, top + 0.5, height - 1), 'data-count': items.length, 'data-tip-id': '' });
    pathItems.set(path, { items, prefix });
    row.append(path);
    placers.push(() => {
      const { start } = view;
      const { end } = view.clock;
      path.setAttribute('transform', `translate(${x(start)} 0) scale(${(x(end) - x(start)) / Math.max(end - start, 1)} 1)`);
    });
  }

  /** One rectangle per stretch, in milliseconds since the run started (to a tenth: shorter text). */
  function stretchesPath(items, top, height) {
    const tenths = (ms) => Math.round(ms * 10) / 10;
    return items
      .map((item) => {
        const from = tenths(item.from - view.start);
        const width = tenths(item.to - item.from);
        return `M${from},${top}h${width}v${height}h${-width}z`;
      })
      .join('');
  }

  /** A bar from `from` to `to`, at least a pixel wide. */
  function span(rect, from, to) {
    const left = x(from);
    rect.setAttribute('x', String(left));
    rect.setAttribute('width', String(Math.max(x(to), left + 1) - left));
  }

  /** A vertical line at `time`. */
  function at(line, time) {
    const where = String(x(time));
    line.setAttribute('x1', where);
    line.setAttribute('x2', where);
  }

  /** A warning on the lane of each process whose wait never ends, where it began. */
  function drawProblems() {
    laneGroups.forEach(({ problems }) => problems.replaceChildren());
    for (const problem of view.clock.problems) {
      const lane = laneGroups.get(problem.key);
      if (!lane) {
        continue;
      }
      const glyph = withTip(
        svg('g', { class: 'problem', transform: `translate(${x(problem.time)} 0)`, 'data-kind': problem.kind }),
        `${problem.key}/problem/${problem.kind}`,
        problem.title,
      );
      glyph.append(svg('path', { class: 'problem-sign', d: `M0,${BAR_TOP - 3} L8,${BAR_TOP + BAR + 2} L-8,${BAR_TOP + BAR + 2} z` }));
      glyph.append(svg('text', { class: 'problem-bang', x: 0, y: BAR_TOP + BAR, 'text-anchor': 'middle' }, '!'));
      lane.problems.append(glyph);
    }
  }

  /** From the start of each join() down (or up) to the lane of the child it waits for. */
  function drawArrows() {
    const group = /** @type {Element} */ (root.querySelector('.arrows'));
    group.replaceChildren();
    for (const lane of view.lanes) {
      const from = laneGroups.get(lane.key).top;
      for (const segment of lane.segments) {
        const target = segment.kind === 'joining' && segment.target !== undefined ? laneGroups.get(segment.target) : undefined;
        if (!target || target.top === from) {
          continue;
        }
        const where = x(segment.from) + 2;
        const down = target.top > from;
        const y1 = from + (down ? BAR_TOP + BAR : BAR_TOP);
        const y2 = target.top + (down ? BAR_TOP - 1 : BAR_TOP + BAR + 1);
        group.append(svg('line', { class: 'arrow', x1: where, x2: where, y1, y2, 'marker-end': 'url(#arrowhead)', 'data-from': lane.key, 'data-to': segment.target }));
      }
    }
  }

  /** What the pointer is over: an element's id, or on a path of ended calls or tasks, the one nearest it. */
  function pointAt(event) {
    const target = /** @type {Element} */ (event.target).closest('[data-tip-id]');
    const ended = target && pathItems.get(target);
    let id = target ? target.getAttribute('data-tip-id') || '' : '';
    if (ended && root) {
      // Lanes move only up and down: the chart's x is the path's.
      id = nearestItem(ended, event.clientX - root.getBoundingClientRect().left);
    }
    hover = { id, x: event.clientX, y: event.clientY };
    showTip();
  }

  /** The hover id of the ended item drawn under x (items are in time order), or of one within NEAR pixels. */
  function nearestItem({ items, prefix }, where) {
    let low = 0;
    let high = items.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (x(items[middle].from) <= where) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    let best = '';
    let distance = NEAR;
    for (const item of items.slice(Math.max(0, low - 1), low + 2)) {
      const left = x(item.from);
      const right = Math.max(x(item.to), left + 1);
      const off = where < left ? left - where : where > right ? where - right : 0;
      if (off <= distance) {
        distance = off;
        best = `${prefix}${item.id}`;
      }
    }
    return best;
  }

  /** The words of an ended call or task, kept apart from the tips of elements drawn. */
  function endedTitle(id) {
    const item = id.startsWith('task/') ? tasks.get(Number(id.slice('task/'.length))) : calls.get(Number(id));
    return item && item.title;
  }

  function showTip() {
    const text = hover.id ? (tips.get(hover.id) ?? endedTitle(hover.id)) : undefined;
    if (text === undefined) {
      tip.hidden = true;
      return;
    }
    tip.textContent = text;
    tip.hidden = false;
    placeTip();
  }

  /** Beside the pointer, kept inside the window. */
  function placeTip() {
    if (tip.hidden) {
      return;
    }
    const left = Math.min(hover.x + 12, window.innerWidth - tip.offsetWidth - 4);
    const top = hover.y + 16 + tip.offsetHeight > window.innerHeight ? hover.y - tip.offsetHeight - 8 : hover.y + 16;
    tip.style.left = `${Math.max(0, left)}px`;
    tip.style.top = `${Math.max(0, top)}px`;
  }

  /** The calls drawn on a row: the calls of those still blocked, and how many ended ones. */
  function callsOf(row) {
    const path = row.querySelector(':scope > .waits');
    return {
      openWaits: [...row.querySelectorAll(':scope > .wait-open')].map((rect) => rect.getAttribute('data-call')),
      endedWaits: path ? Number(path.getAttribute('data-count')) : 0,
    };
  }

  /** What is in the DOM now, read back from it: what a person would see, not what was sent. */
  function report() {
    const lanes = [...chart.querySelectorAll('.lane')].map((lane) => {
      const key = lane.getAttribute('data-key') || '';
      const exit = lane.querySelector('.exit-text');
      const row = /** @type {Element} */ (lane.querySelector('.process-row'));
      return {
        key,
        name: (lane.querySelector('.lane-name') || {}).textContent || '',
        pid: Number(lane.getAttribute('data-pid')),
        exitText: exit ? exit.textContent : undefined,
        marks: [...lane.querySelectorAll('.mark')].map((mark) => mark.getAttribute('data-signal')),
        joins: chart.querySelectorAll(`.arrow[data-from="${CSS.escape(key)}"]`).length,
        joining: row.querySelectorAll('.segment-joining').length,
        ...callsOf(row),
        threads: [...lane.querySelectorAll('.thread-row')].map((thread) => ({
          name: (thread.querySelector('.thread-name') || {}).textContent || '',
          ...callsOf(thread),
        })),
        problems: [...lane.querySelectorAll('.problem')].map((problem) => problem.getAttribute('data-kind')),
      };
    });
    return { lanes, renders, end: view.clock.end };
  }
})();
