"""graph.html in headless Chromium with the network cut: it opens offline without errors, holds
every node, finds, filters, explains, exports, runs no markup from abstracts, and stays fast.

Skipped only when /usr/bin/chromium or the playwright package is missing.
"""
from __future__ import annotations

import json
import time

import pytest
from view_support import MARKUP_PROBE, browser_missing, demo_graph, launch_chromium, open_offline, synthetic_graph

from kg.graph import from_node_link, read_graph_json, write_graph_json
from kg.view import write_html

_missing = browser_missing()
if _missing:
    pytest.skip(f"browser tests need Chromium and Playwright: {_missing}", allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

#: Stated in the project issue: a 5,000-node graph opens and responds within 20 s.
LARGE_PAGE_BUDGET_S = 20.0


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def probe_graph_json(tmp_path_factory):
    """The demo graph plus a paper whose title and abstract are markup, read back from graph.json."""
    directory = tmp_path_factory.mktemp("view")
    G = demo_graph(extra_title=MARKUP_PROBE, extra_abstract=MARKUP_PROBE)
    write_graph_json(G, directory / "graph.json")
    return directory / "graph.json"


@pytest.fixture()
def opened(browser, probe_graph_json, tmp_path):
    G = read_graph_json(probe_graph_json)
    write_html(G, tmp_path / "graph.html")
    result = open_offline(browser, tmp_path / "graph.html")
    yield G, result
    result.page.close()


def _visible_nodes(page) -> list[str]:
    return page.evaluate("network.body.data.nodes.get({filter: n => !n.hidden}).map(n => n.id).sort()")


def test_view_browser_opens_offline_without_errors(opened):
    G, result = opened
    assert result.console_errors == []
    assert result.remote_requests == []
    assert result.page.evaluate("network.body.data.nodes.length") == G.number_of_nodes()
    assert result.page.evaluate("Object.keys(network.body.nodes).length") == G.number_of_nodes()
    assert "24 entities" in result.page.inner_text("#kg-counts")
    assert "seeds/demo.jsonl" in result.page.inner_text("#kg-inputs")


def test_view_browser_legend_shows_each_type(opened):
    _, result = opened
    legend = result.page.inner_text("#kg-types")
    for entity_type in ("Model", "Dataset", "Method", "Task", "Metric"):
        assert entity_type in legend
    assert result.page.locator("#kg-types svg").count() == 5


def test_view_browser_search_selects_llama_65b(opened):
    _, result = opened
    page = result.page
    page.fill("#kg-search", "LLaMA-65B")
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == ["model/llama-65b"]
    info = page.inner_text("#kg-info")
    assert "LLaMA-65B" in info and "LLaMA: Open and Efficient Foundation Language Models" in info
    assert "outperforms" in info and "LLaMA-65B outperforms GPT-3 on most benchmarks." in info
    page.fill("#kg-search", "65B LLaMA")  # an alias
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == ["model/llama-65b"]
    assert page.locator("#kg-names option[value='LLaMA-65B']").count() == 1
    assert result.console_errors == []


def test_view_browser_type_filter_hides_its_nodes(opened):
    G, result = opened
    page = result.page
    models = sorted(n for n, d in G.nodes(data=True) if d.get("type") == "Model")
    assert set(models) <= set(_visible_nodes(page))
    page.uncheck("input[data-kg-type='Model']")
    visible = set(_visible_nodes(page))
    assert not visible & set(models)
    assert not set(models) & set(page.evaluate("network.body.nodeIndices"))
    assert "dataset/mmlu" in visible
    page.check("input[data-kg-type='Model']")
    assert set(models) <= set(_visible_nodes(page))


def test_view_browser_relation_papers_and_min_papers_filters(opened):
    G, result = opened
    page = result.page
    assert page.evaluate("network.body.data.edges.get({filter: e => !e.hidden}).length") > 0
    page.uncheck("input[data-kg-relation='outperforms']")
    hidden_outperforms = page.evaluate(
        "network.body.data.edges.get({filter: e => e.hidden}).map(e => e.id)")
    assert len(hidden_outperforms) == 2
    page.uncheck("#kg-show-papers")
    assert not [n for n in _visible_nodes(page) if n.startswith("paper/")]
    page.fill("#kg-min-papers", "3")  # a range input: fill sets its value and fires input
    visible = _visible_nodes(page)
    assert visible and all(len(G.nodes[n]["papers"]) >= 3 for n in visible)
    assert "model/llama-65b" in visible and "model/alpaca" not in visible


def test_view_browser_markup_probe_runs_nothing(opened):
    _, result = opened
    page = result.page
    page.evaluate("kgView.selectIds(['paper/probe'], true)")
    page.evaluate("network.emit('hoverEdge', {edge: network.body.data.edges.get({filter: "
                  "e => e.from === 'model/llama' && e.to === 'dataset/mmlu'})[0].id, pointer: {DOM: {x: 5, y: 5}}})")
    page.evaluate("kgView.selectIds(['model/llama'], true)")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__kg_pwned") is None
    assert page.locator("#kg-info img, #kg-tooltip img, #kg-info script, #kg-tooltip script").count() == 0
    assert "<script>window.__kg_pwned = 1</script>" in page.inner_text("#kg-tooltip")
    assert "<img src=x" in page.inner_text("#kg-info")
    assert result.console_errors == []
    assert result.remote_requests == []


def test_view_browser_exports_png_and_visible_json(opened, tmp_path):
    G, result = opened
    page = result.page
    assert page.evaluate("kgView.pngDataUrl()").startswith("data:image/png;base64,")
    page.uncheck("input[data-kg-type='Metric']")
    with page.expect_download() as download:
        page.click("#kg-export-json")
    path = tmp_path / "kg-view.json"
    download.value.save_as(path)
    sub = from_node_link(json.loads(path.read_text(encoding="utf-8")))
    assert "metric/accuracy" not in sub and "model/llama-65b" in sub
    assert sub.number_of_nodes() == len(_visible_nodes(page))
    assert sub.graph["inputs"] == G.graph["inputs"]
    assert dict(sub.nodes["model/llama-65b"]) == dict(G.nodes["model/llama-65b"])
    with page.expect_download() as download:
        page.click("#kg-export-png")
    assert download.value.suggested_filename == "kg-view.png"


def test_view_browser_large_graph_opens_and_responds_in_budget(browser, tmp_path):
    G = synthetic_graph(5000)
    write_html(G, tmp_path / "graph.html")
    start = time.perf_counter()
    result = open_offline(browser, tmp_path / "graph.html", wait=False)
    page = result.page
    page.wait_for_selector("body[data-kg-ready]", state="attached", timeout=LARGE_PAGE_BUDGET_S * 1000)
    page.fill("#kg-search", "Model-10")
    page.press("#kg-search", "Enter")
    assert page.evaluate("network.getSelectedNodes()") == ["model/e00010"]
    page.uncheck("input[data-kg-type='Method']")
    page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    elapsed = time.perf_counter() - start
    assert elapsed < LARGE_PAGE_BUDGET_S
    assert page.evaluate("network.body.data.nodes.length") == 5000
    assert result.console_errors == [] and result.remote_requests == []
    page.close()
