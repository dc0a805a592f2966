// The front desk, live: keys for answers, the result as soon as an answer changes, two languages.
// It decides nothing. The page carries the engine's decision for every combination of answers
// and every text in every language (#desk-data, generated on the server from rules.yaml); this
// script finds the combination chosen and shows what the data says. Without it the form posts.
(function () {
  "use strict";
  const block = document.getElementById("desk-data");
  const desk = document.querySelector("[data-desk]");
  const form = document.getElementById("desk-form");
  if (!block || !desk || !form) { return; }
  const data = JSON.parse(block.textContent);
  const $ = (selector) => desk.querySelector(selector);
  const groups = Array.from(form.querySelectorAll("fieldset[data-question]"));
  const result = $("#desk-result");
  const summary = $("[data-desk-summary]");
  const status = $("[data-desk-status]");
  const copyButton = $("[data-desk-copy]");
  const bothButton = $("[data-desk-both]");
  const langLink = $("[data-desk-lang]");
  const codeInput = $("#code");
  const pageLang = document.documentElement.lang;
  let lang = data.languages.includes(pageLang) ? pageLang : data.languages[0];
  let both = desk.classList.contains("desk-both");
  let shortcuts = true;

  // ------------------------------------------------------------------ lookups ----
  const textIn = (language, key) =>
    key.split(".").reduce((node, part) => (node == null ? node : node[part]), data.texts[language]);
  const t = (key) => textIn(lang, key);
  const otherLang = () => data.languages[(data.languages.indexOf(lang) + 1) % data.languages.length];

  function answers() {
    return data.questions.map((q) => {
      const checked = form.querySelector(`input[name="${q.id}"]:checked`);
      return checked ? checked.value : null;
    });
  }

  // The row of a combination: rows are in the order of the engine's combinations, the last
  // question varying fastest, so the row number reads the answers' positions as digits.
  function rowFor(values) {
    if (values.includes(null)) { return null; }
    let index = 0;
    data.questions.forEach((q, i) => { index = index * q.codes.length + q.codes.indexOf(values[i]); });
    const row = data.combos[index];
    return Object.fromEntries(data.fields.map((field, i) => [field, row[i]]));
  }

  // ------------------------------------------------------------------ display ----
  function element(tag, text, attributes) {
    const node = document.createElement(tag);
    if (text != null) { node.textContent = text; }
    Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
    return node;
  }

  function timestamp(moment) {
    const two = (n) => String(n).padStart(2, "0");
    const offset = -moment.getTimezoneOffset();
    const sign = offset < 0 ? "-" : "+";
    return `${moment.getFullYear()}-${two(moment.getMonth() + 1)}-${two(moment.getDate())} ` +
      `${two(moment.getHours())}:${two(moment.getMinutes())} ` +
      `UTC${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
  }

  // The same lines as summary_text() in guide/desk.py.
  function summaryText(values, row) {
    const lines = [`${t("ui.summary")} – ${data.clinic}`, `${t("ui.summary_when")}: ${timestamp(new Date())}`];
    data.questions.forEach((q, i) => {
      lines.push(`${t(`questions.${q.id}.short`)}: ${t(`questions.${q.id}.choices.${values[i]}`)}`);
    });
    lines.push(`${t("ui.summary_result")}: ${t(`categories.${row.category}.heading`)}`);
    lines.push(`${t("ui.procedures")}:`);
    const names = row.procedures.map((id) => t(`procedures.${id}.name`));
    (names.length ? names : [t("ui.no_procedure")]).forEach((name) => lines.push(`- ${name}`));
    lines.push(t("ui.summary_consultation"));
    lines.push(`${t("ui.code")}: ${row.code}`);
    return lines.join("\n");
  }

  function render() {
    const values = answers();
    const row = rowFor(values);
    const show = (selector, visible) => { $(selector).hidden = !visible; };
    $("[data-desk-verdict]").className = `desk-verdict result-${row ? row.category : "none"}`;
    show("[data-desk-empty]", !row);
    show("[data-desk-heading]", row);
    show("[data-desk-category-summary]", row);
    show("[data-desk-outcome]", row);
    show("[data-desk-code-line]", row);
    const before = summary.value;
    if (!row) {
      ["category", "rule", "code"].forEach((field) => { delete result.dataset[field]; });
      summary.value = "";
    } else {
      ["category", "rule", "code"].forEach((field) => { result.dataset[field] = row[field]; });
      $("[data-desk-heading]").textContent = t(`categories.${row.category}.heading`);
      $("[data-desk-category-summary]").textContent = t(`categories.${row.category}.summary`);
      $("[data-desk-reasons]").replaceChildren(...row.reasons.map((i) => element("li", data.texts[lang].reasons[i])));
      const whatIf = row.what_if == null ? null : data.texts[lang].what_if[row.what_if];
      $("[data-desk-what-if]").textContent = whatIf || "";
      show("[data-desk-what-if]", whatIf);
      $("[data-desk-procedures]").replaceChildren(...row.procedures.map((id) => {
        const item = element("li", null, { "data-procedure": id });
        item.append(element("strong", t(`procedures.${id}.name`)), " ", element("span", t(`procedures.${id}.summary`)));
        return item;
      }));
      show("[data-desk-procedures]", row.procedures.length);
      show("[data-desk-no-procedure]", !row.procedures.length);
      $("[data-desk-code]").textContent = row.code;
      summary.value = summaryText(values, row);
    }
    if (summary.value.split("\n").slice(2).join("\n") !== before.split("\n").slice(2).join("\n")) { say(""); }
  }

  function say(message) { status.textContent = message; }

  function setOrRemove(node, name, value) {
    if (value) { node.setAttribute(name, value); } else { node.removeAttribute(name); }
  }

  // ------------------------------------------------------------------ language ----
  function applyLanguage() {
    const other = otherLang();
    document.documentElement.lang = lang;
    document.querySelectorAll("[data-t]").forEach((node) => {
      const text = t(node.dataset.t);
      if (typeof text === "string") { node.textContent = text; }
    });
    desk.querySelectorAll("[data-t-alt]").forEach((node) => {
      node.textContent = textIn(other, node.dataset.tAlt);
      node.lang = other;
      node.hidden = !both;
    });
    desk.querySelectorAll("[data-texts]").forEach((node) => {
      const texts = JSON.parse(node.dataset.texts);
      if (texts[lang]) { node.textContent = texts[lang]; }
    });
    const name = langLink.querySelector("[data-desk-lang-name]");
    name.textContent = data.names[other];
    name.lang = other;
    langLink.hreflang = other;
    const href = new URL(langLink.href);
    href.searchParams.set("lang", other);
    langLink.href = href.pathname + href.search;
    desk.querySelectorAll("[data-desk-lang-field]").forEach((field) => { field.value = lang; });
    document.querySelectorAll(".lang-switch a[hreflang]").forEach((link) => {
      const current = link.hreflang === lang;
      setOrRemove(link, "aria-current", current && "true");
      setOrRemove(link, "aria-keyshortcuts", !current && shortcuts && "L");
    });
    const error = desk.querySelector(".error-summary:not([hidden])") ? `${t("ui.error_prefix")} ` : "";
    document.title = `${error}${t("ui.title")} – ${data.clinic}`;
  }

  function setLanguage(next) {
    if (!data.languages.includes(next) || next === lang) { return; }
    lang = next;
    applyLanguage();
    render();
    keepInAddress();
  }

  // The address keeps the language and the view, so that a reload shows the same console; an answer
  // code stays in it only while it is still the code of the answers on screen.
  function keepInAddress() {
    const url = new URL(window.location.href);
    url.searchParams.set("lang", lang);
    if (both) { url.searchParams.set("both", "1"); } else { url.searchParams.delete("both"); }
    if (url.searchParams.has("code") && result.dataset.code !== url.searchParams.get("code")) {
      url.searchParams.delete("code");
    }
    const address = url.pathname + url.search;
    if (address !== window.location.pathname + window.location.search) {
      window.history.replaceState(null, "", address);
    }
  }

  function setBoth(on) {
    both = on;
    desk.classList.toggle("desk-both", both);
    bothButton.setAttribute("aria-pressed", String(both));
    desk.querySelectorAll("[data-desk-both-field]").forEach((field) => { field.disabled = !both; });
    desk.querySelectorAll("[data-t-alt]").forEach((node) => { node.hidden = !both; });
    keepInAddress();
  }

  // ------------------------------------------------------------------ actions ----
  function answered() {
    render();
    keepInAddress();
  }

  // A digit answers the question in focus, or else the first one not answered yet, then moves on.
  function answerWithDigit(digit, target) {
    const inGroup = target instanceof Element ? target.closest("fieldset[data-question]") : null;
    const group = inGroup || groups.find((g) => !g.querySelector("input:checked"));
    if (!group) { return false; }
    const radio = group.querySelectorAll("input[type=radio]")[digit === "0" ? 9 : Number(digit) - 1];
    if (!radio) { return false; }
    radio.checked = true;
    answered();
    const next = groups[groups.indexOf(group) + 1];
    if (next) {
      (next.querySelector("input:checked") || next.querySelector("input")).focus();
    } else {
      copyButton.focus();
    }
    return true;
  }

  function copySummary() {
    render(); // brings the time up to date
    if (!summary.value) { say(t("ui.nothing_to_copy")); return; }
    const failed = () => { summary.focus(); summary.select(); say(t("ui.copy_failed")); };
    if (!navigator.clipboard) { failed(); return; }
    navigator.clipboard.writeText(summary.value).then(() => say(t("ui.copied")), failed);
  }

  function newCaller() {
    form.querySelectorAll("input[type=radio]").forEach((radio) => { radio.checked = false; });
    codeInput.value = "";
    desk.querySelectorAll(".error-summary, .error-message").forEach((node) => { node.hidden = true; });
    desk.querySelectorAll(".form-group-error").forEach((node) => node.classList.remove("form-group-error"));
    codeInput.setAttribute("aria-describedby", "code-hint");
    render();
    applyLanguage();
    keepInAddress();
    say(t("ui.cleared"));
    groups[0].querySelector("input").focus();
  }

  // Single-key shortcuts can be turned off (WCAG 2.1.4); aria-keyshortcuts says which keys work.
  function setShortcuts(on) {
    shortcuts = on;
    desk.classList.toggle("desk-keys-off", !shortcuts);
    desk.querySelectorAll("[data-keyshortcuts]").forEach((node) => {
      setOrRemove(node, "aria-keyshortcuts", shortcuts && node.dataset.keyshortcuts);
    });
    applyLanguage();
  }

  function typing(node) {
    if (!(node instanceof Element)) { return false; }
    if (node.isContentEditable || node.tagName === "TEXTAREA" || node.tagName === "SELECT") { return true; }
    return node.tagName === "INPUT" && !["radio", "checkbox", "button", "submit", "reset"].includes(node.type);
  }

  const KEYS = {
    l: () => setLanguage(otherLang()),
    b: () => setBoth(!both),
    n: newCaller,
    c: copySummary,
  };

  function onKey(event) {
    if (!shortcuts || event.defaultPrevented || event.repeat || event.isComposing) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    let done = false;
    if (/^[0-9]$/.test(event.key)) {
      done = answerWithDigit(event.key, event.target);
    } else if (KEYS[event.key.toLowerCase()]) {
      KEYS[event.key.toLowerCase()]();
      done = true;
    }
    if (done) { event.preventDefault(); }
  }

  // ------------------------------------------------------------------ wiring ----
  desk.classList.add("desk-js");
  [copyButton, bothButton, $("[data-desk-shortcuts]"), $("[data-desk-keys]")].forEach((node) => { node.hidden = false; });
  [$("[data-desk-both-link]"), $("[data-desk-submit]")].forEach((node) => { node.hidden = true; });
  // The header and footer stay in the language the server wrote them in; say which.
  document.querySelectorAll(".skip-link, .call-bar, .site-footer").forEach((node) => { node.lang = pageLang; });

  form.addEventListener("change", answered);
  form.addEventListener("submit", (event) => event.preventDefault());
  document.addEventListener("keydown", onKey);
  copyButton.addEventListener("click", copySummary);
  bothButton.addEventListener("click", () => setBoth(!both));
  $("#desk-shortcuts").addEventListener("change", (event) => setShortcuts(event.target.checked));
  $("[data-desk-new]").addEventListener("click", (event) => { event.preventDefault(); newCaller(); });
  [langLink, ...document.querySelectorAll(".lang-switch a[hreflang]")].forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      setLanguage(link.hreflang);
    });
  });
  setShortcuts(true);
  render();
})();
