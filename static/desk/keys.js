// Keys: a digit answers the line in focus (1 to 9, then 0) and focus moves on to the next line not
// answered; anywhere else a digit picks the line of that number. Letters: see KEYS in desk.js.
import { lineOf, values } from "./render.js";
import { say } from "./words.js";

const focusLine = (line) => (line.querySelector("input:checked") || line.querySelector("input")).focus();

// After an answer: the next line not answered yet, else Copy; after "yes" to line 1, its advice.
function moveOn(view, line) {
  if (view.find.ends(values(view))) { view.page.emergencyTitle.focus(); return; }
  const shown = view.lines.filter((each) => !each.hidden);
  const at = shown.indexOf(line);
  const next = [...shown.slice(at + 1), ...shown.slice(0, at)].find((each) => !each.querySelector("input:checked"));
  if (next) { focusLine(next); } else { view.page.copyButton.focus(); }
}

function digit(view, key, target, answered) {
  const number = key === "0" ? 10 : Number(key);
  const line = lineOf(target);
  if (line) {
    const radio = line.querySelectorAll("input[type=radio]")[number - 1];
    if (!radio) { say(view, "no_answer", { line: line.dataset.number, number: key }); return; }
    radio.checked = true;
    answered();
    moveOn(view, line);
    return;
  }
  const picked = view.lines[number - 1];
  if (!picked) { say(view, "no_line", { number: key }); return; }
  if (picked.hidden) { say(view, "ended"); return; }
  focusLine(picked);
  say(view, "picked", { number: key });
}

function typing(node) {
  if (!(node instanceof Element)) { return false; }
  if (node.isContentEditable || node.tagName === "TEXTAREA" || node.tagName === "SELECT") { return true; }
  return node.tagName === "INPUT" && !["radio", "checkbox", "button", "submit", "reset"].includes(node.type);
}

// The keydown handler: `actions` maps a letter key to what it does; `answered` follows an answer.
export function keyHandler(view, actions, answered) {
  return (event) => {
    if (!view.shortcuts || event.defaultPrevented || event.repeat || event.isComposing) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (/^[0-9]$/.test(key)) {
      digit(view, key, event.target, answered);
    } else if (actions[key]) {
      actions[key]();
    } else if (key.length === 1 && key !== " ") {
      say(view, "no_key", { key: event.key });
      return;
    } else {
      return;
    }
    event.preventDefault();
  };
}

export { focusLine };
