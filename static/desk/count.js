// Insights: a call is counted once when it first reaches a result, and once when the emergency line is answered
// "yes" (a beacon to the guide itself, with the category and the language only). New caller starts a new call.
export function countCall(view, urgent, result) {
  const what = urgent ? "emergency" : result ? "result" : null;
  view.counted = view.counted || {};
  if (!what || view.counted[what] || !navigator.sendBeacon) { return; }
  view.counted[what] = true;
  const said = urgent ? { event: "emergency" } : { event: "result", category: result.category, lang: view.lang };
  navigator.sendBeacon(new URL("count/desk", document.baseURI), new URLSearchParams(said));
}

export function newCall(view) { view.counted = {}; }
