// The timeline: events per day, stacked by kind, drawn as SVG. Dragging across it picks a
// date range (the map and list follow); a click picks one column. With a range picked the
// timeline shows that range only, so a second drag narrows it further ("clear" widens).
import { clear, kindClass, s } from "./dom.js";

const DAY = 86_400_000;
const HEIGHT = 120;
const PAD = { top: 8, bottom: 20, side: 8 };

function parseDay(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return Date.UTC(y, m - 1, d);
}

export function isoDay(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

export class Timeline {
  constructor(svg, kindsOrder, onBrush, tooltip) {
    this.svg = svg;
    this.kindsOrder = kindsOrder;
    this.onBrush = onBrush;
    this.tooltip = tooltip;
    this.data = { days: [], undated: 0 };
    this.range = null; // [sinceMs, untilMs] or null
    this.drag = null;
    svg.addEventListener("pointerdown", (e) => this.down(e));
    svg.addEventListener("pointermove", (e) => this.move(e));
    svg.addEventListener("pointerup", (e) => this.up(e));
    svg.addEventListener("pointercancel", () => {
      this.drag = null;
      this.draw();
    });
  }

  set(data, since, until) {
    this.data = data;
    this.range = since || until ? [since ? parseDay(since) : null, until ? parseDay(until) : null] : null;
    this.draw();
  }

  layout() {
    const width = Math.max(200, this.svg.clientWidth || 600);
    let days = this.data.days;
    const [lo, hi] = this.range || [null, null];
    days = days.filter((d) => (lo === null || parseDay(d.date) >= lo) && (hi === null || parseDay(d.date) <= hi));
    if (!days.length && (lo === null || hi === null)) return { width, bins: [], start: 0, binDays: 1, x: () => 0, max: 0 };
    const start = lo ?? parseDay(days[0].date);
    const end = hi ?? parseDay(days[days.length - 1].date);
    const nDays = Math.round((end - start) / DAY) + 1;
    const maxCols = Math.max(10, Math.floor((width - 2 * PAD.side) / 4));
    const binDays = Math.max(1, Math.ceil(nDays / maxCols));
    const nBins = Math.ceil(nDays / binDays);
    const bins = Array.from({ length: nBins }, (_, i) => ({
      start: start + i * binDays * DAY,
      end: Math.min(end, start + ((i + 1) * binDays - 1) * DAY),
      counts: {},
      total: 0,
    }));
    for (const day of days) {
      const bin = bins[Math.floor((parseDay(day.date) - start) / DAY / binDays)];
      for (const [kind, n] of Object.entries(day.counts)) {
        bin.counts[kind] = (bin.counts[kind] || 0) + n;
        bin.total += n;
      }
    }
    const colW = (width - 2 * PAD.side) / nBins;
    const x = (i) => PAD.side + i * colW;
    const max = Math.max(1, ...bins.map((b) => b.total));
    return { width, bins, start, binDays, colW, x, max };
  }

  draw() {
    const svg = clear(this.svg);
    const L = (this.lay = this.layout());
    svg.setAttribute("viewBox", `0 0 ${L.width} ${HEIGHT}`);
    svg.setAttribute("height", HEIGHT);
    if (!L.bins.length) return;
    const plotH = HEIGHT - PAD.top - PAD.bottom;
    const bars = s("g", { class: "bars" });
    L.bins.forEach((bin, i) => {
      if (!bin.total) return;
      let y = HEIGHT - PAD.bottom;
      const col = s("g", { class: "col", "data-start": isoDay(bin.start), "data-end": isoDay(bin.end) });
      for (const kind of this.kindsOrder) {
        const n = bin.counts[kind];
        if (!n) continue;
        const hgt = Math.max(1, (n / L.max) * plotH);
        y -= hgt;
        col.append(s("rect", {
          class: `bar ${kindClass(kind)}`,
          x: L.x(i) + 0.5,
          y,
          width: Math.max(1, L.colW - 1),
          height: hgt,
        }));
      }
      const label = bin.start === bin.end ? isoDay(bin.start) : `${isoDay(bin.start)} – ${isoDay(bin.end)}`;
      col.append(s("title", {}, `${label}: ${bin.total}`));
      bars.append(col);
    });
    svg.append(bars);
    const axis = s("g", { class: "axis" });
    axis.append(s("line", { x1: PAD.side, x2: L.width - PAD.side, y1: HEIGHT - PAD.bottom + 0.5, y2: HEIGHT - PAD.bottom + 0.5 }));
    const first = isoDay(L.bins[0].start);
    const last = isoDay(L.bins[L.bins.length - 1].end);
    axis.append(s("text", { x: PAD.side, y: HEIGHT - 5, "text-anchor": "start" }, first));
    axis.append(s("text", { x: L.width - PAD.side, y: HEIGHT - 5, "text-anchor": "end" }, last));
    svg.append(axis);
    if (this.drag) {
      const [a, b] = this.pixels(this.dragRange());
      svg.append(s("rect", { class: "brush", x: a, y: PAD.top - 4, width: Math.max(2, b - a), height: plotH + 4 }));
    }
  }

  /** Pixel span of a [sinceMs|null, untilMs|null] range. */
  pixels([since, until]) {
    const L = this.lay;
    const n = L.bins.length;
    const toX = (ms, end) => {
      const i = (ms - L.start) / DAY / L.binDays + (end ? 1 / L.binDays : 0);
      return L.x(Math.min(n, Math.max(0, i)));
    };
    return [since === null ? L.x(0) : toX(since, false), until === null ? L.x(n) : toX(until, true)];
  }

  binAt(evt) {
    const L = this.lay;
    if (!L || !L.bins.length) return null;
    const rect = this.svg.getBoundingClientRect();
    const px = ((evt.clientX - rect.left) / rect.width) * L.width;
    const i = Math.floor((px - PAD.side) / L.colW);
    return Math.min(L.bins.length - 1, Math.max(0, i));
  }

  dragRange() {
    const [a, b] = [this.drag.from, this.drag.to].sort((p, q) => p - q);
    return [this.lay.bins[a].start, this.lay.bins[b].end];
  }

  down(evt) {
    const i = this.binAt(evt);
    if (i === null) return;
    this.svg.setPointerCapture(evt.pointerId);
    this.drag = { from: i, to: i };
    this.draw();
  }

  move(evt) {
    if (!this.drag) return;
    const i = this.binAt(evt);
    if (i !== null && i !== this.drag.to) {
      this.drag.to = i;
      this.draw();
    }
  }

  up(evt) {
    if (!this.drag) return;
    const i = this.binAt(evt);
    if (i !== null) this.drag.to = i;
    const [since, until] = this.dragRange();
    this.drag = null;
    this.range = [since, until];
    this.draw();
    this.onBrush(isoDay(since), isoDay(until));
  }
}
