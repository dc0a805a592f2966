// The page's words in its language: every element marked data-t="key" (data-t-other: its wording for a
// call about someone else; data-alt: in the other language), aria labels, messages carried in every
// language (data-texts), the language switch, the title and the status line.

function setOrRemove(node, name, value) {
  if (value) { node.setAttribute(name, value); } else { node.removeAttribute(name); }
}

function wordsIn(view, root) {
  const { lang, find } = view;
  const other = find.other(lang);
  const reworded = Boolean(view.worded && view.worded.reworded);
  root.querySelectorAll("[data-t]").forEach((node) => {
    const key = (reworded && node.dataset.tOther) || node.dataset.t;
    const text = find.text(node.hasAttribute("data-alt") ? other : lang, key);
    if (typeof text === "string") { node.textContent = text; }
  });
  root.querySelectorAll("[data-alt]").forEach((node) => { node.lang = other; });
}

function languageSwitch(view) {
  const { lang, page } = view;
  const other = view.find.other(lang);
  const name = page.langLink.querySelector("[data-desk-lang-name]");
  name.textContent = view.data.names[other];
  name.lang = other;
  page.langLink.hreflang = other;
  const href = new URL(page.langLink.href);
  href.searchParams.set("lang", other);
  page.langLink.href = href.pathname + href.search;
  page.desk.querySelectorAll("[data-desk-lang-field]").forEach((field) => { field.value = lang; });
  document.querySelectorAll(".lang-switch a[hreflang]").forEach((link) => {
    const current = link.hreflang === lang;
    setOrRemove(link, "aria-current", current && "true");
    setOrRemove(link, "aria-keyshortcuts", !current && view.shortcuts && "L");
  });
}

// The words of `root` (the document, or a copy of the result's markup about to be shown).
export function applyWords(view, root) {
  wordsIn(view, root);
  if (root !== document) { return; }
  const { lang, find, page } = view;
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-t-label]").forEach((node) => {
    node.setAttribute("aria-label", find.text(lang, node.dataset.tLabel));
  });
  page.desk.querySelectorAll("[data-texts]").forEach((node) => {
    const said = JSON.parse(node.dataset.texts);
    if (said[lang]) { node.textContent = said[lang]; }
  });
  languageSwitch(view);
  const error = page.desk.querySelector(".error-summary:not([hidden])") ? `${find.text(lang, "ui.error_prefix")} ` : "";
  document.title = `${error}${find.text(lang, "ui.title")} – ${view.data.clinic}`;
  say(view, ...(view.said || [""]));
}

// Say a message of the desk ("ui.<key>") in the status line, in the page's language (again after a switch).
export function say(view, key, values) {
  view.said = key ? [key, values] : null;
  view.page.status.textContent = key ? view.find.fillIn(view.find.text(view.lang, `ui.${key}`), values || {}) : "";
}
