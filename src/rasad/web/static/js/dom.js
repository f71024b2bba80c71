// Building DOM nodes without HTML parsing: every piece of data becomes a text node.
// Nothing in this page assigns innerHTML/outerHTML or calls insertAdjacentHTML.

/** Create an element. attrs: {class, dataset, text, ...attributes}; children: nodes or strings. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(name)) throw new Error(`h(): event attribute ${name} refused`);
    if (name === "class") el.className = value;
    else if (name === "text") el.textContent = String(value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (name === "href") {
      const safe = safeHref(value);
      if (safe) el.setAttribute("href", safe);
    } else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** SVG element (attributes only; text through textContent). */
export function s(tag, attrs = {}, text = null) {
  const el = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (/^on/i.test(name) || name === "style") throw new Error(`s(): attribute ${name} refused`);
    el.setAttribute(name, String(value));
  }
  if (text !== null) el.textContent = String(text);
  return el;
}

/** An http(s) URL as a string, or null for anything else (javascript:, data:, junk). */
export function safeHref(value) {
  if (typeof value !== "string" || value.length > 2048) return null;
  try {
    const url = new URL(value); // absolute URLs only: no base, so "" and "/x" fail
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A CSS-class-safe token for a kind ("armed_clash"); anything odd becomes "other". */
export function kindClass(kind) {
  return /^[a-z_]{1,40}$/.test(kind || "") ? `k-${kind}` : "k-other";
}
