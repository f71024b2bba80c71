// Interface language: strings from /static/i18n.json, Arabic right-to-left.

export class I18n {
  constructor(strings, lang) {
    this.strings = strings;
    this.lang = strings[lang] ? lang : "en";
  }

  static initial() {
    const saved = window.localStorage ? window.localStorage.getItem("rasad.lang") : null;
    if (saved === "ar" || saved === "en") return saved;
    const nav = (navigator.language || "en").toLowerCase();
    return nav.startsWith("ar") ? "ar" : "en";
  }

  /** A string by key (dotted for nested tables), with {name} placeholders filled. */
  t(key, vars = {}) {
    let value = key.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined),
      this.strings[this.lang]);
    if (value === undefined) {
      value = key.split(".").reduce((o, k) => (o && typeof o === "object" ? o[k] : undefined),
        this.strings.en);
    }
    if (typeof value !== "string") return key.split(".").pop();
    return value.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : ""));
  }

  kind(kind) {
    const label = this.strings[this.lang].kind_labels[kind] || this.strings.en.kind_labels[kind];
    return label || kind;
  }

  acled(type) {
    return this.strings[this.lang].acled_labels[type] || type;
  }

  /** Number formatting in the interface language (Arabic keeps Western digits). */
  num(n) {
    return new Intl.NumberFormat(this.lang === "ar" ? "ar-u-nu-latn" : "en").format(n);
  }

  apply(root = document) {
    const html = document.documentElement;
    html.lang = this.lang;
    html.dir = this.lang === "ar" ? "rtl" : "ltr";
    for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = this.t(el.dataset.i18n);
    for (const el of root.querySelectorAll("[data-i18n-placeholder]")) {
      el.placeholder = this.t(el.dataset.i18nPlaceholder);
    }
    for (const el of root.querySelectorAll("[data-i18n-label]")) {
      el.setAttribute("aria-label", this.t(el.dataset.i18nLabel));
    }
    document.title = `${this.t("app_title")} — ${this.t("app_subtitle")}`;
  }

  set(lang) {
    this.lang = this.strings[lang] ? lang : "en";
    try {
      window.localStorage.setItem("rasad.lang", this.lang);
    } catch {
      /* storage may be disabled */
    }
    this.apply();
  }
}
