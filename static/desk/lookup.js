// The desk's data file (guide/desk/data.py builds it): every combination's result and call summary in
// every language, keyed by its answer codes, and every word of the desk. Looked up here, never computed.

export async function load(src) {
  const response = await fetch(src, { credentials: "same-origin" });
  if (!response.ok) { throw new Error(`desk data: ${response.status}`); }
  return response.json();
}

export function lookups(data) {
  return {
    // The result of the four answers given, by their codes ("appearance.none.female.nose"), or null.
    resultFor(given) {
      if (data.questions.some((id) => !given[id])) { return null; }
      return data.results[data.questions.map((id) => given[id]).join(".")] || null;
    },
    // A text by its dotted key, such as "ui.copied" or "lines.goal.label".
    text(lang, key) {
      return key.split(".").reduce((node, part) => (node == null ? node : node[part]), data.texts[lang]);
    },
    // The language shown beside the page's, and offered by the switch.
    other(lang) { return data.other[lang]; },
    // The state code of the lines before the questions, as the address carries it.
    callState(given) { return data.call_states[data.call_lines.map((id) => given[id] || "").join("|")]; },
    // Whether the answers end the script (an emergency sign), and whether they reword it for someone else.
    ends(given) { return given[data.ends.line] === data.ends.answer; },
    reworded(given) { return given[data.reworded.line] === data.reworded.answer; },
    fillIn(text, values) { return text.replace(/%\((\w+)\)s/g, (mark, name) => values[name]); },
  };
}
