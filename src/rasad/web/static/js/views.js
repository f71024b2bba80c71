// The event list and the event view. Every value from the database (article text, names,
// URLs, notes) reaches the page as text nodes or checked http(s) links, never as markup.
import { h, clear, kindClass, safeHref } from "./dom.js";

function name(i18n, obj, en = "name", ar = "name_ar") {
  if (!obj) return null;
  return (i18n.lang === "ar" ? obj[ar] || obj[en] : obj[en] || obj[ar]) || obj.id || null;
}

export function placeName(i18n, loc) {
  return name(i18n, loc) || i18n.t("no_place");
}

export function note(i18n, ev) {
  const notes = ev.notes || {};
  return (i18n.lang === "ar" ? notes.ar || notes.en : notes.en || notes.ar) || i18n.kind(ev.kind);
}

function dateText(i18n, ev) {
  if (!ev.date) return i18n.t("no_date");
  const p = ev.date_precision && ev.date_precision !== "day" ? ` (${i18n.t(`date_precision.${ev.date_precision}`)})` : "";
  return `${ev.date}${p}`;
}

function kindChip(i18n, kind) {
  return h("span", { class: `chip ${kindClass(kind)}` }, h("i", { class: "swatch", "aria-hidden": "true" }), i18n.kind(kind));
}

/** One row of the event list. */
export function listItem(i18n, ev, onOpen) {
  const button = h("button", { type: "button", class: "ev-row", dataset: { eventId: ev.id } },
    h("span", { class: "ev-top" }, kindChip(i18n, ev.kind), h("span", { class: "ev-date", dir: "ltr" }, dateText(i18n, ev))),
    h("span", { class: "ev-note" }, note(i18n, ev)),
    h("span", { class: "ev-meta" },
      placeName(i18n, ev.location),
      (ev.n_sources || 1) > 1 ? ` · ${i18n.t("n_sources", { n: ev.n_sources })}` : "",
      ev.fatalities ? ` · ${i18n.t("fatalities")}: ${ev.fatalities}` : ""));
  button.addEventListener("click", () => onOpen(ev.id));
  return h("li", {}, button);
}

function formatClaim(i18n, c) {
  if (!c || typeof c !== "object") return "?";
  const { value, low, high, qualifier } = c;
  const some = i18n.t("vague");
  switch (qualifier) {
    case "exact": return String(value ?? low ?? "?");
    case "approx": return `≈${value ?? low ?? "?"}`;
    case "at_least": return `≥${low ?? value ?? "?"}`;
    case "at_most": return `≤${high ?? value ?? "?"}`;
    case "vague":
      if (low != null && high != null) return `${low}–${high}`;
      return value != null ? String(value) : some;
    default: return String(value ?? low ?? high ?? "?");
  }
}

function sourceLabel(i18n, src, i) {
  return src.outlet || i18n.t("source_n", { n: i + 1 });
}

/** Counts with every source's claim side by side (superseded figures struck through). */
function countsTable(i18n, ev) {
  const counts = ev.counts || {};
  const claims = ev.claims || {};
  const figures = ["conservative", "latest"].filter((f) => ev[f] && typeof ev[f] === "object" && Object.keys(ev[f]).length);
  const keys = [...new Set([...Object.keys(counts), ...Object.keys(claims)])];
  if (!keys.length) return h("p", { class: "muted" }, i18n.t("no_counts"));
  const sources = ev.sources || [];
  const head = h("tr", {},
    h("th", { scope: "col" }, i18n.t("count")),
    h("th", { scope: "col" }, i18n.t("merged")),
    figures.map((f) => h("th", { scope: "col" }, i18n.t(f))),
    sources.map((src, i) => h("th", { scope: "col", class: "src-col", title: src.article_id }, sourceLabel(i18n, src, i))));
  const rows = keys.map((key) => {
    const list = Array.isArray(claims[key]) ? claims[key] : [];
    return h("tr", { dataset: { count: key } },
      h("th", { scope: "row" }, i18n.t(`count_keys.${key}`)),
      h("td", { dir: "ltr" }, counts[key] ? formatClaim(i18n, counts[key]) : "–"),
      figures.map((f) => h("td", { dir: "ltr" }, ev[f][key] ? formatClaim(i18n, ev[f][key]) : "–")),
      sources.map((src) => {
        const mine = list.filter((c) => c && c.article_id === src.article_id);
        if (!mine.length) return h("td", {}, "–");
        return h("td", { dir: "ltr" }, mine.map((c, i) => [
          i ? " / " : "",
          h("span", { class: c.superseded ? "superseded" : "claim", title: c.superseded ? i18n.t("superseded") : null }, formatClaim(i18n, c)),
        ]));
      }));
  });
  return h("div", { class: "table-wrap" }, h("table", { class: "claims" }, h("thead", {}, head), h("tbody", {}, rows)));
}

function actorText(i18n, actor) {
  return name(i18n, actor) || i18n.t("no_actor");
}

function facts(i18n, ev) {
  const loc = ev.location;
  const where = [placeName(i18n, loc)];
  if (loc) {
    const gov = [loc.admin2, loc.admin1].filter(Boolean).join(", ");
    if (gov) where.push(` — ${gov}`);
    if (loc.precision) where.push(` (${i18n.t(`geo_precision.${loc.precision}`)})`);
  }
  const acled = ev.acled ? `${i18n.acled(ev.acled.event_type)} / ${ev.acled.sub_event_type}` : "";
  const rows = [
    ["what", [kindChip(i18n, ev.kind), acled ? h("span", { class: "muted" }, ` ${acled}`) : null]],
    ["where", where],
    ["when", [h("span", { dir: "ltr" }, dateText(i18n, ev))]],
    ["who", [actorText(i18n, ev.actor1), ev.actor2 ? " → " : "", ev.actor2 ? actorText(i18n, ev.actor2) : ""]],
  ];
  if (ev.attributed_to) rows.push(["attributed_to", [h("span", { lang: "ar", dir: "rtl" }, ev.attributed_to)]]);
  rows.push(["fatalities", [String(ev.fatalities ?? 0)]]);
  if (typeof ev.confidence === "number") rows.push(["confidence", [ev.confidence.toFixed(2)]]);
  return h("dl", { class: "facts" }, rows.map(([key, value]) => [
    h("dt", {}, i18n.t(key)), h("dd", { dataset: { field: key } }, value),
  ]));
}

/** The article's text with the evidence spans as <mark> elements (text nodes only). */
export function highlighted(text, spans) {
  const out = h("div", { class: "article-text", lang: "ar", dir: "rtl" });
  const clean = spans
    .filter((sp) => sp && Number.isInteger(sp.start) && Number.isInteger(sp.end))
    .map((sp) => [Math.max(0, sp.start), Math.min(text.length, sp.end)])
    .filter(([a, b]) => b > a)
    .sort((p, q) => p[0] - q[0]);
  const merged = [];
  for (const [a, b] of clean) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  let pos = 0;
  for (const [a, b] of merged) {
    if (a > pos) out.append(document.createTextNode(text.slice(pos, a)));
    out.append(h("mark", { class: "evidence" }, text.slice(a, b)));
    pos = b;
  }
  if (pos < text.length) out.append(document.createTextNode(text.slice(pos)));
  return out;
}

function sourceHeader(i18n, meta, src) {
  const title = meta.title || meta.id;
  const href = safeHref(meta.url || src.url || "");
  const parts = [h("span", { class: "src-label" }, src.label), " ", h("strong", {}, title)];
  const sub = [meta.outlet, meta.published ? `${i18n.t("published")} ${meta.published}` : null].filter(Boolean);
  if (sub.length) parts.push(h("span", { class: "muted" }, ` — ${sub.join(" · ")}`));
  const url = meta.url || src.url;
  if (href) {
    parts.push(" ", h("a", { href, target: "_blank", rel: "noopener noreferrer nofollow", class: "src-link" }, new URL(href).host));
  } else if (url) {
    parts.push(" ", h("span", { class: "muted unsafe-link" }, i18n.t("unsafe_link")));
  }
  return h("header", { class: "src-head" }, parts);
}

/**
 * The event view: facts, counts and claims, and each source article with its evidence.
 * detail: {event, mentions, articles}; loadArticle(id) -> Promise<article>.
 */
export function eventView(i18n, detail, loadArticle, onBack) {
  const ev = detail.event;
  const back = h("button", { type: "button", class: "back" }, `← ${i18n.t("back")}`);
  back.addEventListener("click", onBack);
  const metaById = new Map((detail.articles || []).map((a) => [a.id, a]));
  const sources = ev.sources && ev.sources.length ? ev.sources : [{ article_id: ev.article_id }];
  const articleBoxes = sources.map((src, i) => {
    const meta = metaById.get(src.article_id) || { id: src.article_id };
    src = { ...src, label: sourceLabel(i18n, src, i) };
    const box = h("section", { class: "source", dataset: { articleId: src.article_id } },
      sourceHeader(i18n, meta, src), h("p", { class: "muted" }, i18n.t("loading")));
    loadArticle(src.article_id).then((art) => {
      const spans = (detail.mentions || [])
        .filter((m) => m.article_id === art.id)
        .flatMap((m) => m.evidence || []);
      if (!spans.length && ev.article_id === art.id) spans.push(...(ev.evidence || []));
      const textEl = highlighted(art.text || "", spans);
      box.replaceChildren(sourceHeader(i18n, { ...meta, ...art }, src), textEl);
      const mark = textEl.querySelector("mark");
      if (mark) textEl.scrollTop = Math.max(0, mark.offsetTop - 40); // .article-text is the offsetParent
    }).catch((err) => {
      box.replaceChildren(sourceHeader(i18n, meta, src), h("p", { class: "error" }, i18n.t("error", { message: err.message })));
    });
    return box;
  });
  return h("div", { class: "event", dataset: { eventId: ev.id } },
    back,
    h("h2", { class: "event-title" }, note(i18n, ev)),
    ev.historical ? h("p", { class: "muted" }, i18n.t("historical")) : null,
    facts(i18n, ev),
    h("h3", {}, i18n.t("counts")),
    countsTable(i18n, ev),
    h("h3", {}, i18n.t("sources"), ` (${sources.length})`),
    articleBoxes);
}

export function renderList(i18n, listEl, items, onOpen, append = false) {
  if (!append) clear(listEl);
  for (const ev of items) listEl.append(listItem(i18n, ev, onOpen));
}
