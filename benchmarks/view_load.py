"""How fast graph.html opens in headless Chromium (Debian's /usr/bin/chromium, network cut).

For each graph it writes graph.html once (timing kg.view.to_html), then opens it RUNS times in a
fresh page and reports medians of:
  drawn       navigation start -> first frame drawn after the layout is final (the page's
              "kg-drawn" mark: after physics stabilization on small pages, the first frame on
              large ones, whose layout comes from Python)
  responsive  navigation start -> a search ("select and focus a node") issued right after
              "drawn" has run and two frames were painted
  interact    that search alone, and a type filter toggle alone (ms)

Usage:
  python benchmarks/view_load.py                       # synthetic 130 (seeds-like) and 5,000 nodes
  python benchmarks/view_load.py --sizes 130 5000 20000 --runs 5
  python benchmarks/view_load.py --graph output/graph.json
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from view_support import browser_missing, launch_chromium, open_offline, synthetic_graph  # noqa: E402

from kg.graph import entity_nodes, read_graph_json  # noqa: E402
from kg.view import to_html  # noqa: E402

_MEASURE = """async (query) => {
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const t0 = performance.now();
  kgView.search(query);
  await frames();
  const t1 = performance.now();
  const box = document.querySelector("#kg-types input");
  box.click();
  await frames();
  const t2 = performance.now();
  box.click();
  return {drawn: performance.getEntriesByName("kg-drawn")[0].startTime, responsive: t1,
          search: t1 - t0, filter: t2 - t1};
}"""


def measure(browser, G, runs: int) -> dict[str, float]:
    """Medians over `runs` fresh page loads, in ms; plus the time to write the page."""
    start = time.perf_counter()
    page_text = to_html(G)
    build_ms = (time.perf_counter() - start) * 1000
    query = G.nodes[max(entity_nodes(G), key=lambda n: len(G.nodes[n].get("papers") or ()))]["label"]
    samples: dict[str, list[float]] = {"drawn": [], "responsive": [], "search": [], "filter": []}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "graph.html"
        path.write_text(page_text, encoding="utf-8")
        for _ in range(runs):
            opened = open_offline(browser, path, timeout_ms=120000)
            values = opened.page.evaluate(_MEASURE, query)
            if opened.console_errors or opened.remote_requests:
                raise SystemExit(f"page errors {opened.console_errors} / requests {opened.remote_requests}")
            opened.page.close()
            for key in samples:
                samples[key].append(values[key])
    result = {key: statistics.median(v) for key, v in samples.items()}
    result.update(build=build_ms, nodes=G.number_of_nodes(), edges=G.number_of_edges(), bytes=len(page_text))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[130, 5000], help="synthetic graph sizes")
    parser.add_argument("--graph", action="append", default=[], help="a graph.json to measure too")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    missing = browser_missing()
    if missing:
        print(f"cannot run: {missing}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    graphs = [(f"synthetic {n:,}", synthetic_graph(n)) for n in args.sizes]
    graphs += [(path, read_graph_json(path)) for path in args.graph]
    print(f"median of {args.runs} loads, headless Chromium, ms")
    print(f"{'graph':<24}{'nodes':>7}{'edges':>7}{'MB':>6}{'to_html':>9}{'drawn':>8}{'responsive':>11}"
          f"{'search':>8}{'filter':>8}")
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, G in graphs:
            r = measure(browser, G, args.runs)
            print(f"{name:<24}{r['nodes']:>7}{r['edges']:>7}{r['bytes'] / 1e6:>6.1f}{r['build']:>9.0f}"
                  f"{r['drawn']:>8.0f}{r['responsive']:>11.0f}{r['search']:>8.0f}{r['filter']:>8.0f}", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
