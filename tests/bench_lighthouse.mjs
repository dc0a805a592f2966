// Lighthouse on the patient pages, driven like a patient with Puppeteer: the start page, a question sent
// empty (its error), check answers and a result, in each language; plus a result opened by its answer
// code, which is kept out of search engines on purpose. Run by tests/bench_lighthouse.py (`make bench`).
//
// node tests/bench_lighthouse.mjs BASE_URL LIGHTHOUSE_DIR  ->  one JSON line per page on stdout
import {createRequire} from "node:module";
import {pathToFileURL} from "node:url";

const [base, lighthouseDir] = process.argv.slice(2);
const requireThere = createRequire(`${lighthouseDir}/package.json`);
const load = async name => import(pathToFileURL(requireThere.resolve(name)).href);
const {navigation} = await load("lighthouse");
const puppeteer = (await load("puppeteer-core")).default;

const CATEGORIES = ["performance", "accessibility", "best-practices", "seo"];
const FLAGS = {
  onlyCategories: CATEGORIES,
  disableStorageReset: true, // the session cookie carries the answers from one page to the next
  logLevel: "error",
};
const ROUTE = [["urgent", "no"], ["goal", "appearance"], ["cause", "trauma"], ["gender", "male"], ["area", "nose"]];

async function answer(page, field, code) {
  await page.click(`label[for='${field}-${code}']`);
  await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
}

// Lighthouse's scores vary from run to run (the CPU is shared): each page is measured RUNS times and the
// median of each category is reported, as Lighthouse's documentation advises.
const RUNS = Number(process.env.LIGHTHOUSE_RUNS || 3);
const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(name, lang, page, requestor, prepare = async () => {}) {
  const runs = [];
  for (let run = 0; run < RUNS; run++) {
    await prepare();
    runs.push((await navigation(page, requestor, {flags: FLAGS})).lhr);
  }
  const scores = Object.fromEntries(CATEGORIES.map(id => [id, median(runs.map(lhr => Math.round(lhr.categories[id].score * 100)))]));
  // The audits that cost points in any run: those a category weighs, scored below 1.
  const failed = new Set(runs.flatMap(lhr => CATEGORIES.flatMap(id => lhr.categories[id].auditRefs)
    .filter(ref => ref.weight > 0 && lhr.audits[ref.id].score !== null && lhr.audits[ref.id].score < 1)
    .map(ref => ref.id)));
  if (process.env.LIGHTHOUSE_DETAILS) {
    for (const id of failed) { console.error(name, lang, id, JSON.stringify(runs.map(lhr => lhr.audits[id].displayValue || lhr.audits[id].explanation))); }
  }
  const every = Object.fromEntries(CATEGORIES.map(id => [id, runs.map(lhr => Math.round(lhr.categories[id].score * 100))]));
  console.log(JSON.stringify({name, lang, url: runs[0].finalDisplayedUrl, scores, every, failed: [...failed]}));
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
  ],
});
try {
  for (const lang of ["en", "es"]) {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    await page.goto(`${base}/?lang=${lang}`); // warm up the browser and the server; not measured
    await measure("start", lang, page, `${base}/?lang=${lang}`);
    await page.goto(`${base}/before-you-start`);
    await answer(page, ...ROUTE[0]);
    // Sent empty by its own button; Lighthouse then leaves the page elsewhere (it tries going back and forth).
    const submit = async () => { await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]); };
    await measure("question with an error", lang, page, submit, async () => { await page.goto(`${base}/question/goal`); });
    await page.goto(`${base}/question/goal`);
    for (const [field, code] of ROUTE.slice(1)) {
      await answer(page, field, code);
    }
    await measure("check answers", lang, page, `${base}/check-answers`);
    await measure("result", lang, page, `${base}/result`);
    const code = await page.$eval(".code", element => element.textContent.trim());
    await measure("result by its code (noindex)", lang, page, `${base}/r/${code}?lang=${lang}`);
    await context.close();
  }
} finally {
  await browser.close();
}
