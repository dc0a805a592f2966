// The front desk, live: keys for every line of the script, the result as soon as an answer changes,
// two languages. It decides nothing and words nothing: it loads the desk's data file (its address is
// in data-src; the server builds it from the one presentation of every recommendation and the one
// call summary template, in every language), looks up the answers on screen in it, and fills the
// page's marked places. Until the file is loaded, or without it, the form posts as without JavaScript.
(function () {
  "use strict";
  const desk = document.querySelector("[data-desk]");
  const form = document.getElementById("desk-form");
  if (!desk || !form || !window.fetch) { return; }
  fetch(desk.dataset.src, { credentials: "same-origin" })
    .then((response) => {
      if (!response.ok) { throw new Error(`desk data: ${response.status}`); }
      return response.json();
    })
    .then(start, () => {}); // the page stays as the server wrote it, and works without us

  function start(data) {
    const $ = (selector) => desk.querySelector(selector);
    const lines = data.lines.map((id) => form.querySelector(`fieldset[data-line="${id}"]`));
    const result = $("#desk-result");
    const summary = $("[data-desk-summary]");
    const altSummary = $("[data-desk-summary-alt]");
    const status = $("[data-desk-status]");
    const copyButton = $("[data-desk-copy]");
    const bothButton = $("[data-desk-both]");
    const langLink = $("[data-desk-lang]");
    const codeInput = $("#code");
    const pageLang = document.documentElement.lang;
    let lang = data.languages.includes(pageLang) ? pageLang : data.languages[0];
    let both = desk.classList.contains("desk-both");
    let shortcuts = true;
    let worded = null; // the language and the person the page's words are in

    // ---------------------------------------------------------------- lookups ----
    const words = (language) => data.texts[language];
    const textIn = (language, key) =>
      key.split(".").reduce((node, part) => (node == null ? node : node[part]), words(language));
    const t = (key) => textIn(lang, key);
    const otherLang = () => data.languages[(data.languages.indexOf(lang) + 1) % data.languages.length];
    const fillIn = (text, values) => text.replace(/%\((\w+)\)s/g, (mark, name) => values[name]);

    function values() {
      const given = {};
      data.lines.forEach((id) => {
        const checked = form.querySelector(`input[name="${id}"]:checked`);
        if (checked) { given[id] = checked.value; }
      });
      return given;
    }

    // The row of a combination: rows are in the order of the engine's combinations, the last
    // question varying fastest, so the row number reads the answers' positions as digits.
    function rowFor(given) {
      if (data.questions.some((q) => !given[q.id])) { return null; }
      const index = data.questions.reduce((at, q) => at * q.codes.length + q.codes.indexOf(given[q.id]), 0);
      return Object.fromEntries(data.fields.map((field, i) => [field, data.rows[index][i]]));
    }

    // ---------------------------------------------------------------- display ----
    function element(tag, text, attributes) {
      const node = document.createElement(tag);
      if (text != null) { node.textContent = text; }
      Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
      return node;
    }

    // A text in the page's language, then in the other (shown with "Both languages").
    function pair(get) {
      const other = otherLang();
      return [element("span", get(words(lang)), { "data-main": "" }),
        element("span", get(words(other)), { class: "desk-alt", lang: other, "data-alt": "" })];
    }

    function fill(selector, get) {
      const node = $(selector);
      const text = get && get(words(lang));
      node.hidden = !text;
      node.replaceChildren(...(text ? pair(get) : []));
    }

    function timestamp(moment) {
      const two = (n) => String(n).padStart(2, "0");
      const offset = -moment.getTimezoneOffset();
      const sign = offset < 0 ? "-" : "+";
      return `${moment.getFullYear()}-${two(moment.getMonth() + 1)}-${two(moment.getDate())} ` +
        `${two(moment.getHours())}:${two(moment.getMinutes())} ` +
        `UTC${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
    }

    // The server's summary of this combination (or of an emergency) in one language, its blanks filled.
    function summaryIn(language, given, row) {
      const said = words(language);
      const numbers = row ? [...data.summary_head, ...row.summary, ...data.summary_tail] : data.emergency_summary;
      const blanks = {
        when: timestamp(new Date()),
        language: said.slots.language[lang],
        emergency: said.slots.emergency[given.urgent || ""],
        about: said.slots.about[given.about || ""],
        code: row ? row.code : "",
      };
      let text = numbers.map((number) => said.summary[number]).join("\n");
      Object.entries(data.marks).forEach(([slot, mark]) => { text = text.split(mark).join(blanks[slot]); });
      return text;
    }

    function summaryText(language, given, row) {
      return row || given.urgent === "yes" ? summaryIn(language, given, row) : "";
    }

    // What Copy puts on the clipboard: the summary, and with both languages the other's after it.
    function copied() {
      return both && altSummary.value ? `${summary.value}\n\n${altSummary.value}` : summary.value;
    }

    function render() {
      const given = values();
      const urgent = given.urgent === "yes";
      const row = urgent ? null : rowFor(given);
      if (!worded || worded.lang !== lang || worded.about !== given.about) { applyWords(given.about); }
      lines.slice(1).forEach((line) => { line.hidden = urgent; }); // "yes" to line 1 ends the script
      $("[data-desk-emergency]").hidden = !urgent;
      $("[data-desk-answer]").hidden = urgent;
      result.toggleAttribute("data-urgent", urgent);
      form.querySelector("[data-desk-urgent-missing]").hidden = !row || Boolean(given.urgent);
      showResult(row);
      countCall(urgent, row);
      summary.value = summaryText(lang, given, row);
      altSummary.value = summaryText(otherLang(), given, row);
      const carried = $("[data-desk-call-state]");
      carried.value = data.call_states[`${given.urgent || ""}|${given.about || ""}`];
      carried.disabled = !given.urgent && !given.about;
      markCurrent();
    }

    // Insights: a call is counted once when it first reaches a result, and once when the emergency line is
    // answered "yes" (a beacon to the guide itself, with the category and the language only). N starts a new call.
    let callCounted = {};
    function countCall(urgent, row) {
      const what = urgent ? "emergency" : row ? "result" : null;
      if (!what || callCounted[what] || !navigator.sendBeacon) { return; }
      callCounted[what] = true;
      const said = urgent ? { event: "emergency" } : { event: "result", category: row.category, lang };
      navigator.sendBeacon(new URL("count/desk", document.baseURI), new URLSearchParams(said));
    }

    // The row's presentation, looked up in both languages: the page's, and the other for "Both languages".
    function showResult(row) {
      $("[data-desk-verdict]").className = `desk-verdict result-${row ? row.category : "none"}`;
      $("[data-desk-empty]").hidden = Boolean(row);
      $("[data-desk-outcome]").hidden = !row;
      $("[data-desk-code-line]").hidden = !row;
      ["category", "rule", "code"].forEach((field) => {
        if (row) { result.dataset[field] = row[field]; } else { delete result.dataset[field]; }
      });
      const category = row && ((said) => said.categories[row.category]);
      fill("[data-desk-heading]", category && ((said) => category(said).heading));
      fill("[data-desk-category-summary]", category && ((said) => category(said).summary));
      fill("[data-desk-note]", category && ((said) => category(said).note));
      fill("[data-desk-what-if]", row && row.what_if != null && ((said) => said.what_if[row.what_if]));
      if (!row) { return; }
      $("[data-desk-reasons]").replaceChildren(...row.reasons.map((number) => {
        const item = element("li");
        item.append(...pair((said) => said.reasons[number]));
        return item;
      }));
      $("[data-desk-procedures]").replaceChildren(...row.procedures.map((id) => {
        const item = element("li", null, { "data-procedure": id });
        const name = element("strong");
        name.append(...pair((said) => said.procedures[id].name));
        const about = element("span", null, { class: "desk-procedure-summary" });
        about.append(...pair((said) => said.procedures[id].summary));
        item.append(name, " ", about);
        return item;
      }));
      $("[data-desk-procedures]").hidden = !row.procedures.length;
      $("[data-desk-no-procedure]").hidden = Boolean(row.procedures.length);
      $("[data-desk-code]").textContent = row.code;
    }

    function say(message) { status.textContent = message; }

    // The line being asked shows its words to read aloud: the line in focus, else the next to answer.
    function markCurrent() {
      const focused = lineOf(document.activeElement);
      const current = focused || lines.find((line) => !line.hidden && !line.querySelector("input:checked"));
      lines.forEach((line) => line.classList.toggle("desk-line-current", line === current));
    }

    function setOrRemove(node, name, value) {
      if (value) { node.setAttribute(name, value); } else { node.removeAttribute(name); }
    }

    // ---------------------------------------------------------------- language ----
    // Every marked text: data-t names it, data-t-other its wording for a call about someone else,
    // data-alt puts it in the other language; data-texts carries a message in every language.
    function applyWords(about) {
      const other = otherLang();
      worded = { lang, about };
      document.documentElement.lang = lang;
      document.querySelectorAll("[data-t]").forEach((node) => {
        const key = (about === "other" && node.dataset.tOther) || node.dataset.t;
        const language = node.hasAttribute("data-alt") ? other : lang;
        const text = textIn(language, key);
        if (typeof text === "string") { node.textContent = text; }
      });
      desk.querySelectorAll("[data-alt]").forEach((node) => { node.lang = other; });
      document.querySelectorAll("[data-t-label]").forEach((node) => {
        node.setAttribute("aria-label", t(node.dataset.tLabel));
      });
      desk.querySelectorAll("[data-texts]").forEach((node) => {
        const said = JSON.parse(node.dataset.texts);
        if (said[lang]) { node.textContent = said[lang]; }
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
      render();
      keepInAddress();
    }

    // The address keeps what is on screen, so that a reload shows the same console: the language, the
    // view, the answers' code (from the data) and the state code of lines 1 and 2 (from the data too).
    function keepInAddress() {
      const url = new URL(window.location.href);
      url.searchParams.set("lang", lang);
      if (both) { url.searchParams.set("both", "1"); } else { url.searchParams.delete("both"); }
      if (result.dataset.code) {
        url.searchParams.set("code", result.dataset.code);
      } else {
        url.searchParams.delete("code");
      }
      const carried = $("[data-desk-call-state]");
      if (carried.disabled) { url.searchParams.delete("answers"); } else { url.searchParams.set("answers", carried.value); }
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
      render();
      keepInAddress();
    }

    // ---------------------------------------------------------------- actions ----
    function answered() {
      render();
      keepInAddress();
      say("");
    }

    const lineOf = (node) => (node instanceof Element ? node.closest("fieldset[data-line]") : null);
    const focusLine = (line) => (line.querySelector("input:checked") || line.querySelector("input")).focus();

    // After an answer: the next line not answered yet, else the actions; after "yes" to line 1, its advice.
    function moveOn(line) {
      if (values().urgent === "yes") { $("[data-desk-emergency-title]").focus(); return; }
      const shown = lines.filter((each) => !each.hidden);
      const at = shown.indexOf(line);
      const next = [...shown.slice(at + 1), ...shown.slice(0, at)].find((each) => !each.querySelector("input:checked"));
      if (next) { focusLine(next); } else { copyButton.focus(); }
    }

    // A digit answers the line in focus; anywhere else it picks the line of that number.
    function digit(key, target) {
      const number = key === "0" ? 10 : Number(key);
      const line = lineOf(target);
      if (line) {
        const radio = line.querySelectorAll("input[type=radio]")[number - 1];
        if (!radio) { say(fillIn(t("ui.no_answer"), { line: line.dataset.number, number: key })); return; }
        radio.checked = true;
        answered();
        moveOn(line);
        return;
      }
      const picked = lines[number - 1];
      if (!picked) { say(fillIn(t("ui.no_line"), { number: key })); return; }
      if (picked.hidden) { say(t("ui.ended")); return; }
      focusLine(picked);
      say(fillIn(t("ui.picked"), { number: key }));
    }

    function copySummary() {
      render(); // brings the time up to date
      if (!summary.value) { say(t("ui.nothing_to_copy")); return; }
      const failed = () => { summary.focus(); summary.select(); say(t("ui.copy_failed")); };
      if (!navigator.clipboard) { failed(); return; }
      navigator.clipboard.writeText(copied()).then(() => say(t("ui.copied")), failed);
    }

    function newCaller() {
      form.querySelectorAll("input[type=radio]").forEach((radio) => { radio.checked = false; });
      codeInput.value = "";
      desk.querySelectorAll(".error-summary, .error-message").forEach((node) => { node.hidden = true; });
      desk.querySelectorAll(".form-group-error").forEach((node) => node.classList.remove("form-group-error"));
      codeInput.setAttribute("aria-describedby", "code-hint");
      lines.forEach((line) => line.setAttribute("aria-describedby", line.getAttribute("aria-describedby").replace(/ \S+-error$/, "")));
      worded = null; // the title loses its "Error:"
      callCounted = {};
      render();
      keepInAddress();
      say(t("ui.cleared"));
      focusLine(lines[0]);
    }

    function toCode() {
      codeInput.focus();
      codeInput.select();
    }

    // Single-key shortcuts can be turned off (WCAG 2.1.4); aria-keyshortcuts says which keys work.
    function setShortcuts(on) {
      shortcuts = on;
      desk.classList.toggle("desk-keys-off", !shortcuts);
      desk.querySelectorAll("[data-keyshortcuts]").forEach((node) => {
        setOrRemove(node, "aria-keyshortcuts", shortcuts && node.dataset.keyshortcuts);
      });
      applyWords(values().about);
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
      "/": toCode,
    };

    function onKey(event) {
      if (!shortcuts || event.defaultPrevented || event.repeat || event.isComposing) { return; }
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      if (/^[0-9]$/.test(key)) {
        digit(key, event.target);
      } else if (KEYS[key]) {
        KEYS[key]();
      } else if (key.length === 1 && key !== " ") {
        say(fillIn(t("ui.no_key"), { key: event.key }));
        return;
      } else {
        return;
      }
      event.preventDefault();
    }

    // ---------------------------------------------------------------- wiring ----
    desk.classList.add("desk-js");
    [copyButton, bothButton, $("[data-desk-shortcuts]"), $("[data-desk-keys]")].forEach((node) => { node.hidden = false; });
    [$("[data-desk-both-link]"), $("[data-desk-submit]")].forEach((node) => { node.hidden = true; });

    form.addEventListener("change", answered);
    document.addEventListener("focusin", markCurrent);
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
    // Where to start: an error first (guide.js has focused it), else an opened code's result, else line 1.
    if (!desk.querySelector(".error-summary")) {
      if (result.dataset.code && new URL(window.location.href).searchParams.has("code")) {
        $("[data-desk-heading]").focus();
      } else if (values().urgent === "yes") {
        $("[data-desk-emergency-title]").focus();
      } else {
        const first = lines.find((line) => !line.hidden && !line.querySelector("input:checked"));
        focusLine(first || lines[0]);
      }
    }
  }
})();
