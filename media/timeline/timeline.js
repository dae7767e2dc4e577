// @ts-check
'use strict';
// Draws one run's timeline from the view the extension posts (src/core/timeline/timelineView.ts).
// Every word shown arrives in that message, already translated: this script only places things.
// Sizes and positions are SVG attributes, never style attributes: the page's policy forbids those.

(function () {
  // @ts-ignore: provided by the webview host
  const host = acquireVsCodeApi();
  const SVG = 'http://www.w3.org/2000/svg';
  const ROW = 28;
  const BAR = 12;
  const BAR_TOP = (ROW - BAR) / 2;
  const AXIS = 22;
  const LABELS = 240;
  const PID_WIDTH = 80;
  const INDENT = 14;
  const GAP = 8;
  /** Room after the bars for the exit code. */
  const RIGHT = 130;

  const title = /** @type {HTMLElement} */ (document.getElementById('title'));
  const legend = /** @type {HTMLElement} */ (document.getElementById('legend'));
  const chart = /** @type {HTMLElement} */ (document.getElementById('chart'));
  const tip = /** @type {HTMLElement} */ (document.getElementById('tip'));

  /** The last view received; redrawn when the panel is resized. */
  let view;
  let drawnWidth = 0;
  /** What the pointer is over, by a stable id: each redraw replaces the elements under it. */
  let hover = { id: '', x: 0, y: 0 };

  window.addEventListener('message', (event) => {
    if (event.data && event.data.type === 'timeline') {
      view = event.data.view;
      render();
    }
  });
  new ResizeObserver(() => {
    if (view && chart.clientWidth !== drawnWidth) {
      render();
    }
  }).observe(chart);
  chart.addEventListener('pointerover', (event) => {
    const target = /** @type {Element} */ (event.target).closest('[data-tip]');
    hover = { id: target ? target.getAttribute('data-tip-id') || '' : '', x: event.clientX, y: event.clientY };
    showTip();
  });
  chart.addEventListener('pointermove', (event) => {
    hover.x = event.clientX;
    hover.y = event.clientY;
    placeTip();
  });
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

  /** Marks an element as having a hover text, under an id that survives redraws. */
  function withTip(node, id, text) {
    node.setAttribute('data-tip', text);
    node.setAttribute('data-tip-id', id);
    return node;
  }

  function render() {
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
    drawnWidth = chart.clientWidth;
    if (!view.lanes.length) {
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = view.empty;
      chart.replaceChildren(empty);
    } else {
      chart.replaceChildren(drawChart(Math.max(drawnWidth, LABELS + RIGHT + 160)));
    }
    if (focused) {
      const again = chart.querySelector(`.lane[data-key="${CSS.escape(focused)}"]`);
      if (again) {
        /** @type {SVGElement} */ (again).focus();
      }
    }
    showTip();
    host.postMessage({ type: 'rendered', report: report() });
  }

  function drawChart(width) {
    const lanes = view.lanes;
    const height = AXIS + lanes.length * ROW + GAP;
    const span = Math.max(view.end - view.start, 1);
    const left = LABELS;
    const right = width - RIGHT;
    const x = (time) => left + ((Math.min(Math.max(time, view.start), view.end) - view.start) / span) * (right - left);
    const rowOf = new Map(lanes.map((lane, index) => [lane.key, index]));
    const root = svg('svg', { width, height, role: 'group', 'aria-label': view.chartLabel });
    root.append(definitions(), axis(x, height));
    lanes.forEach((lane, index) => root.append(drawLane(lane, index, x, width)));
    root.append(arrows(lanes, rowOf, x));
    return root;
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

  function axis(x, height) {
    const group = svg('g', { class: 'axis', 'aria-hidden': 'true' });
    view.axis.forEach((tick, index) => {
      const at = x(tick.time);
      group.append(svg('line', { class: 'grid', x1: at, x2: at, y1: AXIS - 4, y2: height }));
      group.append(svg('text', { class: 'axis-label', x: at, y: AXIS - 8, 'text-anchor': index === 0 ? 'start' : 'middle' }, tick.label));
    });
    return group;
  }

  function drawLane(lane, index, x, width) {
    const group = svg('g', {
      class: `lane lane-${lane.state}`,
      transform: `translate(0 ${AXIS + index * ROW})`,
      tabindex: 0,
      role: 'button',
      'aria-label': lane.label,
      'data-key': lane.key,
      'data-pid': lane.pid,
    });
    const middle = ROW / 2;
    group.append(svg('rect', { class: 'lane-bg', x: 0, y: 0, width, height: ROW, rx: 3 }));
    const names = svg('g', { 'clip-path': 'url(#name-clip)' });
    names.append(withTip(svg('text', { class: 'lane-name', x: GAP + lane.depth * INDENT, y: middle, 'dominant-baseline': 'central' }, lane.name), `${lane.key}/name`, lane.nameTitle));
    group.append(names);
    group.append(svg('text', { class: 'lane-pid', x: LABELS - GAP, y: middle, 'dominant-baseline': 'central', 'text-anchor': 'end' }, lane.pidText));

    let lastX = LABELS;
    lane.segments.forEach((segment, k) => {
      const from = x(segment.from);
      const to = Math.max(x(segment.to), from + 1);
      // A zombie is drawn thinner too, so it reads without the colour.
      const thin = segment.kind === 'zombie' ? BAR / 4 : 0;
      group.append(
        withTip(
          svg('rect', { class: `segment segment-${segment.kind}`, x: from, y: BAR_TOP + thin, width: to - from, height: BAR - 2 * thin, rx: 2 }),
          `${lane.key}/segment/${k}`,
          segment.title,
        ),
      );
      lastX = Math.max(lastX, to);
    });
    if (lane.reapedAt !== undefined && lane.reapedTitle) {
      const at = x(lane.reapedAt);
      group.append(withTip(svg('line', { class: 'reaped', x1: at, x2: at, y1: BAR_TOP - 3, y2: BAR_TOP + BAR + 3 }), `${lane.key}/reaped`, lane.reapedTitle));
    }
    lane.marks.forEach((mark, k) => {
      const at = x(mark.time);
      const path = `M${at - 5},${BAR_TOP - 7} L${at + 5},${BAR_TOP - 7} L${at},${BAR_TOP + 1} z`;
      const kind = mark.signal === 'SIGKILL' ? 'kill' : 'term';
      group.append(withTip(svg('path', { class: `mark mark-${kind}`, d: path, 'data-signal': mark.signal }), `${lane.key}/mark/${k}`, mark.title));
    });
    if (lane.exit && lane.exitText) {
      const at = x(lane.exit.time);
      group.append(svg('line', { class: 'exit-tick', x1: at, x2: at, y1: BAR_TOP - 2, y2: BAR_TOP + BAR + 2 }));
      const kind = lane.exit.signal ? 'signal' : lane.exit.code === 0 ? 'ok' : 'failed';
      group.append(
        withTip(
          svg('text', { class: `exit-text exit-${kind}`, x: lastX + GAP, y: middle, 'dominant-baseline': 'central' }, lane.exitText),
          `${lane.key}/exit`,
          lane.exitTitle,
        ),
      );
    }
    return group;
  }

  /** From the start of each join() down (or up) to the lane of the child it waits for. */
  function arrows(lanes, rowOf, x) {
    const group = svg('g', { class: 'arrows', 'aria-hidden': 'true' });
    lanes.forEach((lane, index) => {
      lane.segments.forEach((segment) => {
        const target = segment.kind === 'joining' && segment.target !== undefined ? rowOf.get(segment.target) : undefined;
        if (target === undefined || target === index) {
          return;
        }
        const at = x(segment.from) + 2;
        const down = target > index;
        const y1 = AXIS + index * ROW + (down ? BAR_TOP + BAR : BAR_TOP);
        const y2 = AXIS + target * ROW + (down ? BAR_TOP - 1 : BAR_TOP + BAR + 1);
        group.append(svg('line', { class: 'arrow', x1: at, x2: at, y1, y2, 'marker-end': 'url(#arrowhead)', 'data-from': lane.key, 'data-to': segment.target }));
      });
    });
    return group;
  }

  function showTip() {
    const target = hover.id ? chart.querySelector(`[data-tip-id="${CSS.escape(hover.id)}"]`) : null;
    if (!target) {
      tip.hidden = true;
      return;
    }
    tip.textContent = target.getAttribute('data-tip');
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

  /** What is in the DOM now, read back from it: what a person would see, not what was sent. */
  function report() {
    const lanes = [...chart.querySelectorAll('.lane')].map((lane) => {
      const key = lane.getAttribute('data-key') || '';
      const exit = lane.querySelector('.exit-text');
      return {
        key,
        name: (lane.querySelector('.lane-name') || {}).textContent || '',
        pid: Number(lane.getAttribute('data-pid')),
        exitText: exit ? exit.textContent : undefined,
        marks: [...lane.querySelectorAll('.mark')].map((mark) => mark.getAttribute('data-signal')),
        joins: chart.querySelectorAll(`.arrow[data-from="${CSS.escape(key)}"]`).length,
      };
    });
    return { lanes };
  }
})();
