// The call summary: the server's text for the result (or the emergency) in the data file, its blanks
// (marks) filled with what only this call knows: the time, its language, the lines before the questions.

// The time of the call as the summary writes it; only the browser knows the moment of the copy.
function timestamp(moment) {
  const two = (n) => String(n).padStart(2, "0");
  const offset = -moment.getTimezoneOffset();
  const sign = offset < 0 ? "-" : "+";
  return `${moment.getFullYear()}-${two(moment.getMonth() + 1)}-${two(moment.getDate())} ` +
    `${two(moment.getHours())}:${two(moment.getMinutes())} ` +
    `UTC${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
}

// The summary in one language of what is on screen ("" before a result or an emergency).
export function summaryIn(view, language, given, result) {
  const { data } = view;
  const text = result ? result.summary[language] : view.find.ends(given) && data.emergency_summary[language];
  if (!text) { return ""; }
  const said = data.texts[language].slots;
  const blanks = { when: timestamp(new Date()), language: said.language[view.lang], code: result ? result.code : "" };
  data.call_lines.forEach((id) => { blanks[id] = said[id][given[id] || ""]; });
  return Object.entries(data.marks).reduce((out, [slot, mark]) => out.split(mark).join(blanks[slot]), text);
}

// What Copy puts on the clipboard: the summary, and with both languages the other's after it.
function copied(view) {
  const { summary, altSummary } = view.page;
  return view.both && altSummary.value ? `${summary.value}\n\n${altSummary.value}` : summary.value;
}

export function copySummary(view, render, say) {
  render(); // brings the time up to date
  const { summary } = view.page;
  if (!summary.value) { say("nothing_to_copy"); return; }
  const failed = () => { summary.focus(); summary.select(); say("copy_failed"); };
  if (!navigator.clipboard) { failed(); return; }
  navigator.clipboard.writeText(copied(view)).then(() => say("copied"), failed);
}
