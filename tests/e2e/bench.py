"""Desktop app benchmarks through WebDriver, read from the performance marks the UI sets
(see ui/src/lib/api/index.ts): launch → first page of thumbnails, and search keystroke →
grid updated. Prints one line per measurement and a summary. Needs the environment that
scripts/bench-app sets up (SHELF_APP, SHELF_LIBRARY on tauri-driver's side)."""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from harness import App  # noqa: E402

MARKS = "return performance.getEntriesByName(arguments[0]).map(e => e.startTime)"


def launch_once(app):
    started = time.time()
    app.launch()
    mark = app.wait_for(lambda: app.js(MARKS, "shelf:first-thumbnails"), "the first-thumbnails mark", 60)[0]
    wall = (time.time() - started) * 1000
    shown = len(app.testids("product-card"))
    images = app.js("return [...document.querySelectorAll('[data-testid=product-grid] img')].filter(i => i.complete && i.naturalWidth > 0).length")
    return mark, wall, shown, images


def keystrokes(app, text):
    """Types `text` a key at a time, timing each key from the page's marks. WebDriver is left
    alone until the key's work is done (`KEY_GAP` seconds, 0.3 by default, about a typist's
    pace): a script run by WebDriver takes the page's main thread, so polling right away would
    slow down the very update being timed."""
    search = app.testid("search")
    gap = float(os.environ.get("KEY_GAP", "0.3"))
    times = []
    for ch in text:
        app.js("performance.clearMarks()")
        search.send_keys(ch)
        time.sleep(gap)
        app.wait_for(lambda: app.js(MARKS, "shelf:grid-updated"), f"the grid to update after {ch!r}", 10)
        start = app.js(MARKS, "shelf:search-input")
        ends = app.js(MARKS, "shelf:grid-updated")
        listed = app.js(MARKS, "shelf:list-returned")
        if start and ends:
            times.append(ends[-1] - start[0])
            print(f"  {ch!r}: {ends[-1] - start[0]:.0f} ms, list returned at "
                  f"{', '.join(f'{t - start[0]:.0f}' for t in listed)} ms", flush=True)
    return times


def main(rounds):
    launches, searches = [], []
    for i in range(rounds):
        app = App.existing(f"bench-{i}")
        try:
            mark, wall, shown, images = launch_once(app)
            print(f"launch {i + 1}: first thumbnails at {mark:.0f} ms after navigation start, "
                  f"{wall:.0f} ms after the WebDriver session request; {shown} cards, {images} thumbnails loaded",
                  flush=True)
            launches.append((mark, wall))
            app.shot("first-page")
            times = keystrokes(app, "blue mu")
            print(f"search {i + 1}: keystroke → grid updated (ms): {', '.join(f'{t:.1f}' for t in times)}", flush=True)
            searches.extend(times)
            app.shot("search")
        finally:
            app.close()
    print(f"launch → first thumbnails: median {statistics.median(m for m, _ in launches):.0f} ms (page), "
          f"median {statistics.median(w for _, w in launches):.0f} ms (wall, incl. process start)")
    print(f"search keystroke → grid: median {statistics.median(searches):.1f} ms, "
          f"max {max(searches):.1f} ms over {len(searches)} keystrokes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
