// Rasad's page: filters, map, timeline, event list and event view over the JSON API.
import { getJSON } from "./api.js";
import { h, clear, kindClass } from "./dom.js";
import { I18n } from "./i18n.js";
import { EventMap } from "./map.js";
import { Timeline } from "./timeline.js";
import { eventView, renderList } from "./views.js";

const $ = (sel) => document.querySelector(sel);
const PAGE = 50;

class App {
  constructor(config, strings) {
    this.config = config;
    this.i18n = new I18n(strings, I18n.initial());
    this.form = $("#filters");
    this.generation = 0;
    this.page = null;
    this.facets = null;
    this.detail = null;
    this.articles = new Map();
  }

  async start() {
    this.i18n.apply();
    if (window.matchMedia("(max-width: 760px)").matches) $("#filters-box").open = false;
    this.map = new EventMap($("#map"), this.config, (id) => this.open(id));
    this.timeline = new Timeline($("#timeline-svg"), this.config.kinds, (since, until) => this.brushed(since, until));
    this.wire();
    this.credits();
    try {
      await this.map.loadBoundaries((p) => (this.i18n.lang === "ar" ? p.name_ar : p.name_en));
    } catch (err) {
      this.status(this.i18n.t("error", { message: err.message }), true);
    }
    await this.refresh();
  }

  wire() {
    let timer = null;
    const later = () => {
      clearTimeout(timer);
      timer = setTimeout(() => this.refresh(), 250);
    };
    this.form.addEventListener("input", (e) => (e.target.type === "checkbox" || e.target.tagName === "SELECT" ? this.refresh() : later()));
    this.form.addEventListener("change", (e) => {
      if (e.target.type === "date") this.refresh();
    });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.refresh();
    });
    this.form.addEventListener("reset", () => setTimeout(() => {
      for (const box of this.form.querySelectorAll("input[name=kind]")) box.checked = false;
      this.refresh();
    }, 0));
    $("#lang-toggle").addEventListener("click", () => {
      this.i18n.set(this.i18n.lang === "ar" ? "en" : "ar");
      this.rerender();
    });
    $("#brush-clear").addEventListener("click", () => this.brushed("", ""));
    $("#more").addEventListener("click", () => this.more());
    let resize = null;
    window.addEventListener("resize", () => {
      clearTimeout(resize);
      resize = setTimeout(() => {
        this.map.invalidate();
        this.timeline.draw();
      }, 150);
    });
  }

  credits() {
    const parts = [this.i18n.t("boundaries_credit")];
    if (this.config.tile_url && this.config.tile_attribution) parts.push(this.config.tile_attribution);
    $("#attribution").textContent = parts.join(" ");
  }

  /** The filters as API query parameters (dates left out when asked). */
  params({ dates = true } = {}) {
    const p = new URLSearchParams();
    const data = new FormData(this.form);
    for (const [key, raw] of data.entries()) {
      const value = String(raw).trim();
      if (!value) continue;
      if (!dates && (key === "since" || key === "until")) continue;
      p.append(key, value);
    }
    return p;
  }

  status(text, error = false) {
    const el = $("#status");
    el.textContent = text;
    el.classList.toggle("error", error);
  }

  async refresh() {
    const gen = ++this.generation;
    document.body.dataset.state = "loading";
    const p = this.params();
    const page = new URLSearchParams(p);
    page.set("limit", PAGE);
    page.set("order", "-date");
    try {
      const [events, points, facets, timeline] = await Promise.all([
        getJSON("/api/events", page),
        getJSON("/api/points", p),
        getJSON("/api/facets", facetParams(p)),
        getJSON("/api/timeline", this.params({ dates: false })),
      ]);
      if (gen !== this.generation) return;
      this.page = events;
      this.points = points;
      this.facets = facets;
      this.timelineData = timeline;
      this.status("");
      this.map.setPoints(points.points, (kind) => this.i18n.kind(kind));
      this.rerender();
      this.exports(p);
    } catch (err) {
      if (gen !== this.generation) return;
      this.status(this.i18n.t("error", { message: err.message }), true);
    } finally {
      if (gen === this.generation) document.body.dataset.state = "ready";
    }
  }

  rerender() {
    if (!this.page) return;
    const t = this.i18n;
    this.credits();
    renderList(t, $("#event-list"), this.page.items, (id) => this.open(id));
    this.listHeader();
    $("#empty").hidden = this.page.total > 0;
    this.renderFacets();
    const f = this.form;
    this.timeline.set(this.timelineData, f.since.value, f.until.value);
    const brushed = f.since.value || f.until.value;
    $("#brush-clear").hidden = !brushed;
    $("#brush-label").textContent = brushed ? `${f.since.value || "…"} – ${f.until.value || "…"}` : t.t("timeline_hint");
    const notes = [];
    if (this.points.truncated) {
      notes.push(t.t("map_truncated", { shown: t.num(this.points.points.length), total: t.num(this.points.total) }));
    }
    const unlocated = this.points.truncated ? 0 : this.points.total - this.points.points.length;
    if (unlocated > 0) notes.push(t.t("map_unlocated", { n: t.num(unlocated) }));
    if (this.timelineData.undated) notes.push(t.t("undated_n", { n: t.num(this.timelineData.undated) }));
    $("#map-note").textContent = notes.join(" ");
    if (this.detail && !$("#event-view").hidden) this.showDetail(this.detail);
  }

  listHeader() {
    const t = this.i18n;
    const shown = $("#event-list").children.length;
    $("#list-title").textContent = t.t("events_n", { n: t.num(this.page.total) });
    $("#list-count").textContent = shown < this.page.total ? t.t("showing_n", { shown: t.num(shown) }) : "";
    $("#more").hidden = shown >= this.page.total;
  }

  async more() {
    const p = this.params();
    p.set("limit", PAGE);
    p.set("order", "-date");
    p.set("offset", $("#event-list").children.length);
    const gen = this.generation;
    const next = await getJSON("/api/events", p);
    if (gen !== this.generation) return;
    renderList(this.i18n, $("#event-list"), next.items, (id) => this.open(id), true);
    this.page.items = this.page.items.concat(next.items);
    this.listHeader();
  }

  renderFacets() {
    const t = this.i18n;
    const f = this.facets;
    const form = this.form;
    // kinds: those with events under the other filters, plus the checked ones
    const checked = new Set([...form.querySelectorAll("input[name=kind]:checked")].map((b) => b.value));
    const box = clear($("#kind-options"));
    for (const kind of this.config.kinds) {
      const n = f.kind[kind] || 0;
      if (!n && !checked.has(kind)) continue;
      const input = h("input", { type: "checkbox", name: "kind", value: kind });
      input.checked = checked.has(kind);
      box.append(h("label", { class: `kind-option ${kindClass(kind)}`, dataset: { kind } },
        input, h("i", { class: "swatch", "aria-hidden": "true" }), h("span", {}, t.kind(kind)), h("span", { class: "n" }, t.num(n))));
    }
    fillSelect(form.acled_type, this.config.acled_types, (v) => t.acled(v), t.t("any"));
    fillSelect(form.admin1, Object.keys(f.admin1), (v) => {
      const label = (f.labels.admin1[v] || {})[t.lang] || v;
      return `${label} (${t.num(f.admin1[v] || 0)})`;
    }, t.t("any"));
    const list = clear($("#actor-options"));
    for (const [id, n] of Object.entries(f.actor).sort((a, b) => b[1] - a[1])) {
      const label = (f.labels.actor[id] || {})[t.lang] || id;
      list.append(h("option", { value: id, label: `${label} (${n})` }));
    }
  }

  exports(p) {
    for (const fmt of ["jsonl", "csv", "geojson"]) {
      const q = new URLSearchParams(p);
      q.set("format", fmt);
      $(`#export-${fmt}`).setAttribute("href", `/api/export?${q}`);
    }
  }

  brushed(since, until) {
    this.form.since.value = since;
    this.form.until.value = until;
    this.refresh();
  }

  async open(id) {
    this.map.highlight(id);
    try {
      const detail = await getJSON(`/api/events/${encodeURIComponent(id)}`);
      this.detail = detail;
      this.showDetail(detail);
    } catch (err) {
      this.status(this.i18n.t("error", { message: err.message }), true);
    }
  }

  article(id) {
    if (!this.articles.has(id)) {
      const promise = getJSON(`/api/articles/${encodeURIComponent(id)}`);
      promise.catch(() => this.articles.delete(id));
      this.articles.set(id, promise);
    }
    return this.articles.get(id);
  }

  showDetail(detail) {
    const view = $("#event-view");
    view.replaceChildren(eventView(this.i18n, detail, (id) => this.article(id), () => this.closeDetail()));
    view.hidden = false;
    $("#list-view").hidden = true;
    if (window.matchMedia("(max-width: 760px)").matches) view.scrollIntoView({ block: "start" });
  }

  closeDetail() {
    this.detail = null;
    $("#event-view").hidden = true;
    $("#list-view").hidden = false;
    this.map.highlight(null);
  }
}

/** The page counts kinds, governorates and actors (ACLED types are listed uncounted:
 * counting them reads every event document, slow on a large database). */
function facetParams(p) {
  const q = new URLSearchParams(p);
  for (const name of ["kind", "admin1", "actor"]) q.append("facet", name);
  return q;
}

function fillSelect(select, values, label, anyText) {
  const current = select.value;
  const opts = [h("option", { value: "" }, anyText)];
  const all = new Set(values);
  if (current) all.add(current);
  for (const v of [...all].sort()) opts.push(h("option", { value: v }, label(v)));
  select.replaceChildren(...opts);
  select.value = current;
}

async function main() {
  try {
    const [config, strings] = await Promise.all([getJSON("/api/config"), getJSON("/static/i18n.json")]);
    window.rasad = new App(config, strings);
    await window.rasad.start();
  } catch (err) {
    document.body.dataset.state = "error";
    const el = document.querySelector("#status");
    if (el) el.textContent = `Rasad: ${err.message}`;
  }
}

main();
