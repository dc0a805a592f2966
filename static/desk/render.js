// The page for the answers on screen: the script's lines, the emergency advice or the result, the
// summaries. A result is a copy of the page's <template> (the server's one markup for a result) whose
// [data-fill] places get the data file's texts, in the page's language and, beside, in the other.
import { countCall } from "./count.js";
import { summaryIn } from "./summary.js";
import { applyWords } from "./words.js";

export function values(view) {
  const given = {};
  view.page.form.querySelectorAll("input[type=radio]:checked").forEach((radio) => { given[radio.name] = radio.value; });
  return given;
}

// A text and its other language into an element's two places; an element without text is hidden.
function put(node, text, altText, other) {
  node.hidden = !text;
  node.querySelector("[data-main]").textContent = text || "";
  const alt = node.querySelector("[data-alt]");
  alt.textContent = altText || "";
  alt.lang = other;
}

function fillItem(item, said, altSaid, other) {
  if (typeof said === "string") { put(item, said, altSaid, other); return item; }
  if (said.id) { item.dataset[item.dataset.advice === undefined ? "procedure" : "advice"] = said.id; }
  item.querySelectorAll("[data-fill]").forEach((node) => {
    put(node, said[node.dataset.fill], altSaid[node.dataset.fill], other);
  });
  return item;
}

function fillResult(copy, result, lang, other) {
  const panel = copy.querySelector("[data-category]");
  panel.classList.replace(`result-${panel.dataset.category}`, `result-${result.category}`);
  Object.assign(panel.dataset, { category: result.category, rule: result.rule });
  const said = result.said[lang];
  const altSaid = result.said[other];
  copy.querySelectorAll("[data-fill]").forEach((node) => {
    if (!node.closest("[data-fill-list]")) { put(node, said[node.dataset.fill], altSaid[node.dataset.fill], other); }
  });
  copy.querySelectorAll("[data-fill-list]").forEach((list) => {
    const field = list.dataset.fillList;
    const model = list.firstElementChild;
    list.replaceChildren(...said[field].map((item, i) => fillItem(model.cloneNode(true), item, altSaid[field][i], other)));
    list.hidden = !said[field].length;
    const none = copy.querySelector(`[data-fill-none="${field}"]`);
    if (none) { none.hidden = Boolean(said[field].length); }
    const block = copy.querySelector(`[data-fill-block="${field}"]`);
    if (block) { block.hidden = !said[field].length; }
  });
}

function showResult(view, result) {
  const { page } = view;
  ["category", "rule", "code"].forEach((field) => {
    if (result) { page.result.dataset[field] = result[field]; } else { delete page.result.dataset[field]; }
  });
  page.empty.hidden = Boolean(result);
  page.codeLine.hidden = !result;
  page.consult.hidden = !result;
  page.code.textContent = result ? result.code : "";
  page.shown.value = result ? result.code : "";
  page.shown.disabled = !result;
  if (!result) { page.outcome.replaceChildren(); return; }
  const copy = page.template.content.cloneNode(true);
  fillResult(copy, result, view.lang, view.find.other(view.lang));
  applyWords(view, copy);
  page.outcome.replaceChildren(copy);
}

export const lineOf = (node) => (node instanceof Element ? node.closest("fieldset[data-line]") : null);

// The line being asked is marked (its place and size stay as they are): the line in focus, else the next to answer.
export function markCurrent(view) {
  const focused = lineOf(document.activeElement);
  const current = focused || view.lines.find((line) => !line.hidden && !line.querySelector("input:checked"));
  view.lines.forEach((line) => line.classList.toggle("desk-line-current", line === current));
}

export function render(view) {
  const { page } = view;
  const given = values(view);
  const urgent = view.find.ends(given);
  const result = urgent ? null : view.find.resultFor(given);
  if (!view.worded || view.worded.lang !== view.lang || view.worded.reworded !== view.find.reworded(given)) {
    view.worded = { lang: view.lang, reworded: view.find.reworded(given) };
    applyWords(view, document);
  }
  view.lines.slice(1).forEach((line) => { line.hidden = urgent; }); // "yes" to line 1 ends the script
  page.emergency.hidden = !urgent;
  page.answer.hidden = urgent;
  page.result.toggleAttribute("data-urgent", urgent);
  page.urgentMissing.hidden = !result || Boolean(given.urgent);
  showResult(view, result);
  countCall(view, urgent, result);
  page.summary.value = summaryIn(view, view.lang, given, result);
  page.altSummary.value = summaryIn(view, view.find.other(view.lang), given, result);
  page.callState.value = view.find.callState(given);
  page.callState.disabled = !view.data.call_lines.some((id) => given[id]);
  markCurrent(view);
}
