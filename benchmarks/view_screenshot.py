"""Screenshot of graph.html for the README (docs/screenshot.png), in headless Chromium, offline.

Usage:
  python benchmarks/view_screenshot.py output/graph.json              # a real build
  python benchmarks/view_screenshot.py --demo                          # the hand-made demo graph
  python benchmarks/view_screenshot.py output/graph.json --select LLaMA-65B --out docs/screenshot.png

It selects the entity named by --select (default: the one with most relations, then most papers)
so the picture shows the neighbourhood highlight and the details panel with evidence.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from view_support import browser_missing, demo_graph, launch_chromium, open_offline  # noqa: E402

from kg.graph import LABEL, PAPERS, entity_nodes, read_graph_json, relation_edges  # noqa: E402
from kg.view import write_html  # noqa: E402


def default_selection(G) -> str | None:
    """Label of the entity with most relations, then most papers (ties: id)."""
    degree: dict[str, int] = {}
    for u, v, _, _ in relation_edges(G):
        degree[u] = degree.get(u, 0) + 1
        degree[v] = degree.get(v, 0) + 1
    entities = entity_nodes(G)
    if not entities:
        return None
    best = min(entities, key=lambda n: (-degree.get(n, 0), -len(G.nodes[n].get(PAPERS) or ()), n))
    return G.nodes[best][LABEL]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("graph", nargs="?", help="a graph.json written by kg build")
    parser.add_argument("--demo", action="store_true", help="use the hand-made demo graph")
    parser.add_argument("--out", default="docs/screenshot.png")
    parser.add_argument("--select", help="name to search and select (default: the best-connected entity)")
    parser.add_argument("--title", default="kg")
    parser.add_argument("--size", default="1400x860", help="viewport WIDTHxHEIGHT")
    args = parser.parse_args(argv)
    if (args.graph is None) == (not args.demo):
        parser.error("give a graph.json path or --demo")
    missing = browser_missing()
    if missing:
        print(f"cannot run: {missing}", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    G = demo_graph() if args.demo else read_graph_json(args.graph)
    width, height = (int(x) for x in args.size.lower().split("x"))
    selection = args.select or default_selection(G)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        page_path = Path(tmp) / "graph.html"
        write_html(G, page_path, title=args.title)
        browser = launch_chromium(playwright)
        opened = open_offline(browser, page_path, viewport=(width, height))
        page = opened.page
        if selection:
            page.fill("#kg-search", selection)
            page.press("#kg-search", "Enter")
            page.evaluate("network.fit({animation: false})")
            page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=args.out)
        browser.close()
    if opened.console_errors or opened.remote_requests:
        print(f"page errors {opened.console_errors} / remote requests {opened.remote_requests}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({G.number_of_nodes()} nodes, selected {selection!r})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
