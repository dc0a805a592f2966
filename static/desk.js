// The front desk, live: keys for every line of the script, the result as soon as an answer changes, two
// languages. It decides nothing and words nothing: it loads the desk's data file (its address is in
// data-src), looks the answers on screen up in it, and fills the page (desk/render.js). Until the file
// is loaded, or without it, the form posts as without JavaScript.
import { load, lookups } from "./desk/lookup.js";
import { focusLine, keyHandler } from "./desk/keys.js";
import { markCurrent, render, values } from "./desk/render.js";
import { copySummary } from "./desk/summary.js";
import { newCall } from "./desk/count.js";
import { applyWords, say } from "./desk/words.js";

// The page's marked places, by name.
function pageOf(desk) {
  const $ = (selector) => desk.querySelector(selector);
  return {
    desk, form: document.getElementById("desk-form"), result: $("#desk-result"), outcome: $("[data-desk-outcome]"),
    template: $("[data-desk-template]"), empty: $("[data-desk-empty]"), codeLine: $("[data-desk-code-line]"),
    code: $("[data-desk-code]"), consult: $("[data-desk-consult]"), emergency: $("[data-desk-emergency]"),
    emergencyTitle: $("[data-desk-emergency-title]"), answer: $("[data-desk-answer]"),
    urgentMissing: $("[data-desk-urgent-missing]"), summary: $("[data-desk-summary]"),
    altSummary: $("[data-desk-summary-alt]"), status: $("[data-desk-status]"), copyButton: $("[data-desk-copy]"),
    bothButton: $("[data-desk-both]"), langLink: $("[data-desk-lang]"), codeInput: $("#code"),
    callState: $("[data-desk-call-state]"), shown: $("[data-desk-shown]"), newButton: $("[data-desk-new]"),
  };
}

// The address keeps what is on screen, so that a reload shows the same console.
function keepInAddress(view) {
  const url = new URL(window.location.href);
  const { result, callState } = view.page;
  url.searchParams.set("lang", view.lang);
  const kept = { both: view.both && "1", code: result.dataset.code, answers: !callState.disabled && callState.value };
  Object.entries(kept).forEach(([name, value]) => {
    if (value) { url.searchParams.set(name, value); } else { url.searchParams.delete(name); }
  });
  url.searchParams.delete("shown");
  const address = url.pathname + url.search;
  if (address !== window.location.pathname + window.location.search) { window.history.replaceState(null, "", address); }
}

function actionsOf(view) {
  const { page } = view;
  const update = () => { render(view); keepInAddress(view); };
  const setBoth = (on) => {
    view.both = on;
    page.desk.classList.toggle("desk-both", on);
    page.bothButton.setAttribute("aria-pressed", String(on));
    page.desk.querySelectorAll("[data-desk-both-field]").forEach((field) => { field.disabled = !on; });
    update();
  };
  const setLanguage = (next) => {
    if (!view.data.languages.includes(next) || next === view.lang) { return; }
    view.lang = next;
    update();
  };
  const newCaller = () => {
    page.form.querySelectorAll("input[type=radio]").forEach((radio) => { radio.checked = false; });
    page.codeInput.value = "";
    page.desk.querySelectorAll(".error-summary, .error-message").forEach((node) => { node.hidden = true; });
    page.desk.querySelectorAll(".form-group-error").forEach((node) => node.classList.remove("form-group-error"));
    page.codeInput.setAttribute("aria-describedby", "code-hint");
    view.lines.forEach((line) => line.setAttribute("aria-describedby", line.getAttribute("aria-describedby").replace(/ \S+-error$/, "")));
    view.worded = null; // the title loses its "Error:"
    newCall(view);
    update();
    say(view, "cleared");
    focusLine(view.lines[0]);
  };
  const toCode = () => { page.codeInput.focus(); page.codeInput.select(); };
  const copy = () => copySummary(view, () => render(view), (key) => say(view, key));
  return { update, setBoth, setLanguage, newCaller, toCode, copy };
}

// Single-key shortcuts can be turned off (WCAG 2.1.4); aria-keyshortcuts says which keys work.
function setShortcuts(view, on) {
  view.shortcuts = on;
  view.page.desk.classList.toggle("desk-keys-off", !on);
  view.page.desk.querySelectorAll("[data-keyshortcuts]").forEach((node) => {
    if (on) { node.setAttribute("aria-keyshortcuts", node.dataset.keyshortcuts); } else { node.removeAttribute("aria-keyshortcuts"); }
  });
  applyWords(view, document);
}

function wire(view, act) {
  const { page } = view;
  page.desk.classList.add("desk-js");
  [page.copyButton, page.bothButton, page.desk.querySelector("[data-desk-shortcuts]"), page.desk.querySelector("[data-desk-keys]")]
    .forEach((node) => { node.hidden = false; });
  [page.desk.querySelector("[data-desk-both-link]"), page.desk.querySelector("[data-desk-submit]")].forEach((node) => { node.hidden = true; });
  page.form.addEventListener("change", () => { act.update(); say(view, ""); });
  page.form.addEventListener("submit", (event) => event.preventDefault());
  document.addEventListener("focusin", () => markCurrent(view));
  document.addEventListener("keydown", keyHandler(view, {
    l: () => act.setLanguage(view.find.other(view.lang)), b: () => act.setBoth(!view.both), n: act.newCaller, c: act.copy, "/": act.toCode,
  }, () => { act.update(); say(view, ""); }));
  page.copyButton.addEventListener("click", act.copy);
  page.bothButton.addEventListener("click", () => act.setBoth(!view.both));
  page.desk.querySelector("#desk-shortcuts").addEventListener("change", (event) => setShortcuts(view, event.target.checked));
  page.newButton.addEventListener("click", (event) => { event.preventDefault(); act.newCaller(); });
  [page.langLink, ...document.querySelectorAll(".lang-switch a[hreflang]")].forEach((link) => {
    link.addEventListener("click", (event) => { event.preventDefault(); act.setLanguage(link.hreflang); });
  });
}

// Where to start: an error first (guide.js has focused it), else an opened code's result, else line 1.
function startFocus(view) {
  const { page } = view;
  if (page.desk.querySelector(".error-summary")) { return; }
  if (page.result.dataset.code && new URL(window.location.href).searchParams.has("code")) {
    page.outcome.querySelector("[data-fill=heading]").focus();
  } else if (view.find.ends(values(view))) {
    page.emergencyTitle.focus();
  } else {
    focusLine(view.lines.find((line) => !line.hidden && !line.querySelector("input:checked")) || view.lines[0]);
  }
}

function start(desk, data) {
  const page = pageOf(desk);
  const pageLang = document.documentElement.lang;
  const view = {
    data, page, find: lookups(data), lines: [...page.form.querySelectorAll("fieldset[data-line]")],
    lang: data.languages.includes(pageLang) ? pageLang : data.languages[0],
    both: desk.classList.contains("desk-both"), shortcuts: true, worded: null, said: null,
  };
  wire(view, actionsOf(view));
  setShortcuts(view, true);
  render(view);
  startFocus(view);
}

const desk = document.querySelector("[data-desk]");
if (desk && document.getElementById("desk-form")) {
  load(desk.dataset.src).then((data) => start(desk, data), () => {}); // else the page works as the server wrote it
}
