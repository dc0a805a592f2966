"""Print what the front desk costs a receptionist and a browser: the keystrokes of a call, what the page
weighs on a first and a second visit (the data file cached), and how fast the result follows a key.

Run: `make bench` (or `.venv/bin/python -m tests.bench_desk`). Measures and prints; asserts nothing.
Drives Debian's Chromium against the app served on 127.0.0.1, as the browser tests do.
"""

from __future__ import annotations

import gzip
import logging
import statistics
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

from guide import codes, create_app
from guide.table import QUESTION_IDS

from .conftest import CHROMIUM, CHROMIUM_ARGS, GUIDE
from .desk_support import checked, key_of, line_key, open_desk, rendered

ENGINE = GUIDE.engine
CALL = {"urgent": "no", "about": "caller", "goal": "appearance", "cause": "none", "gender": "female", "area": "nose"}
DESKTOP = {"width": 1366, "height": 768}

LIVE_UPDATE = """async () => {
  const result = document.getElementById("desk-result");
  const goal = document.querySelector("#desk-form input[name=goal]");
  const dom = [], frame = [];
  for (let i = 0; i < 51; i++) {
    goal.focus();
    const before = result.dataset.category;
    const changed = new Promise((resolve) => {
      const watch = new MutationObserver(() => { watch.disconnect(); resolve(performance.now()); });
      watch.observe(result, {subtree: true, childList: true, characterData: true, attributes: true});
    });
    const start = performance.now();
    document.activeElement.dispatchEvent(
      new KeyboardEvent("keydown", {key: i % 2 ? "1" : "2", bubbles: true, cancelable: true}));
    dom.push((await changed) - start);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    frame.push(performance.now() - start);
    if (result.dataset.category === before) { throw new Error("the key did not change the result"); }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return {dom, frame};
}"""


@contextmanager
def served() -> Iterator[str]:
    """The app on a free port of 127.0.0.1, in a daemon thread."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log among the figures
    app = create_app({"SECRET_KEY": "bench", "SESSION_COOKIE_SECURE": False})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


def press(page: Any, keys: list[str]) -> int:
    """Press keys one after the other; return how many."""
    for key in keys:
        page.keyboard.press(key)
    return len(keys)


def keystrokes(browser: Any, base: str) -> None:
    """Count the keys of the three things a receptionist does most."""
    page = browser.new_page(base_url=base, viewport=DESKTOP)
    open_desk(page, "/desk?lang=en")
    count = 0
    for line, code in CALL.items():
        count += press(page, [key_of(ENGINE, line, code)])
        if rendered(page)["category"]:
            break
    assert checked(page) == CALL, checked(page)
    print(f"[desk] keystrokes from an empty desk to a full result, emergency line included: {count} (goal ≤ 6)")
    open_desk(page, "/desk?lang=en")
    count = press(page, [key_of(ENGINE, "urgent", "yes")])
    assert rendered(page)["emergency"]
    print(f"[desk] keystrokes from an empty desk to the emergency advice: {count}")
    open_desk(page, "/desk?lang=en")
    code = codes.encode(ENGINE.questions, ("unsure", "disease", "female", "breast_chest"))
    count = press(page, ["/", *code, "Enter"])
    page.wait_for_url("**code=*")
    page.wait_for_selector(".desk-js", state="attached")
    assert rendered(page)["code"] == code
    print(f"[desk] keystrokes to open a code read out by a caller: {count} (goal ≤ 7)")
    count = press(page, [line_key("area"), key_of(ENGINE, "area", "unsure")])
    assert checked(page)["area"] == "unsure" and rendered(page)["code"] != code
    print(f"[desk] keystrokes to change one answer: {count} (goal ≤ 2)")
    page.close()


def weights(browser: Any, base: str) -> None:
    """What a first and a second visit of /desk bring over the network, by file (CDP's byte counts)."""
    context = browser.new_context(base_url=base, viewport=DESKTOP)
    page = context.new_page()
    session = context.new_cdp_session(page)
    session.send("Network.enable")
    urls: dict[str, str] = {}
    bytes_in: dict[str, int] = {}
    cached: set[str] = set()
    session.on("Network.requestWillBeSent", lambda event: urls.__setitem__(event["requestId"], event["request"]["url"]))
    session.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
    session.on(
        "Network.loadingFinished",
        lambda event: bytes_in.__setitem__(event["requestId"], int(event["encodedDataLength"])),
    )
    visits = []
    for _ in range(2):
        urls.clear(), bytes_in.clear(), cached.clear()
        open_desk(page, "/desk?lang=en")
        page.wait_for_load_state("networkidle")
        visits.append({urls[i]: (0 if i in cached else bytes_in.get(i, 0)) for i in urls})
    print("[desk] what /desk brings over the network (bytes, headers included): first visit, second visit")
    for url in visits[0]:
        second = visits[1].get(url)
        shown = "from the cache" if second == 0 else f"{second} B" if second is not None else "not asked"
        print(f"[desk]   {url.removeprefix(base):38} {visits[0][url]:7} B   {shown}")
    first, again = sum(visits[0].values()), sum(visits[1].values())
    print(f"[desk] page weight, first visit: {first} B; second visit, data file cached: {again} B")
    data_url = next(url for url in visits[0] if "/desk/data." in url)
    body = page.request.get(data_url).body()
    print(f"[desk] the data file: {len(body)} B ({len(gzip.compress(body))} B gzipped), all languages and combinations")
    context.close()


def live_update(browser: Any, base: str) -> None:
    """How long the result takes to follow a key press, median of 51."""
    page = browser.new_page(base_url=base, viewport=DESKTOP)
    open_desk(page, "/desk?lang=en")
    press(page, [key_of(ENGINE, line, code) for line, code in CALL.items()])
    timing = page.evaluate(LIVE_UPDATE)
    dom, frame = statistics.median(timing["dom"]), statistics.median(timing["frame"])
    print(
        f"[desk] live update after a key press, median of {len(timing['dom'])}: {dom:.2f} ms to the new result "
        f"in the page (max {max(timing['dom']):.2f} ms), {frame:.1f} ms to the next frame"
    )
    page.close()


def main() -> None:
    """Print the figures."""
    if not Path(CHROMIUM).exists():
        print(f"[desk] Chromium not found at {CHROMIUM} (apt-get install chromium): skipping the desk's figures")
        return
    from playwright.sync_api import sync_playwright

    assert tuple(CALL)[2:] == QUESTION_IDS
    with served() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            keystrokes(browser, base)
            weights(browser, base)
            live_update(browser, base)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
    sys.exit(0)
