"""End to end in a real browser: a student submits a Backprop-Ninja notebook with one wrong node
and sees the graph, that node marked as the first wrong one and the later nodes credited."""
from __future__ import annotations

import ast
import gc
import warnings
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import expect, sync_playwright

from tests.server.helpers import PASSWORD
from tests.server.test_browser import CHROMIUM_ARGS, SHOTS

ROOT = Path(__file__).resolve().parents[2]


def ninja_notebook(path: Path) -> Path:
    """The handed-out notebook with every node's cell filled in from the reference, except dbndiff,
    which forgets the branch through bndiff2: a student's notebook with one wrong node."""
    notebook = nbformat.read(ROOT / "exercises" / "ninja" / "ninja.ipynb", as_version=4)
    reference = (ROOT / "reference" / "ninja" / "ninja.py").read_text()
    answers = {node.name: ast.get_source_segment(reference, node) for node in ast.parse(reference).body
               if isinstance(node, ast.FunctionDef)}
    answers["dbndiff"] = "def dbndiff(bndiff, bnvar_inv, dbnraw, dbndiff2):\n    return bnvar_inv * dbnraw\n"
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.source.startswith("def "):
            cell.source = answers[cell.source[4:].split("(")[0]]
    nbformat.write(notebook, path)
    return path


@pytest.mark.browser
def test_a_student_sees_the_first_wrong_node_marked_and_the_later_nodes_credited(live_site, tmp_path):
    site = live_site.url
    submission = ninja_notebook(tmp_path / "ninja.ipynb")
    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            page.goto(f"{site}/")
            page.fill("input[name=email]", "ana@uni.test")
            page.fill("input[name=password]", PASSWORD)
            page.click("button:has-text('Log in')")
            page.click("text=Backprop ninja: the makemore MLP")
            page.set_input_files("input[type=file]", str(submission))
            page.click("button:has-text('Submit for grading')")
            expect(page.locator(".big-score")).to_be_visible(timeout=60_000)
            graph = page.locator(".report .staged-graph").first
            expect(graph).to_contain_text("the first node whose step is wrong is dbndiff")
            first = graph.locator("tr.graph-node[data-status=first_wrong]")
            expect(first).to_have_count(1)
            expect(first).to_have_attribute("data-node", "bndiff")
            expect(first).to_contain_text("missing the contribution that flows back through bndiff2")
            for node in ("hprebn", "embcat", "W1", "emb", "C"):
                expect(graph.locator(f"tr.graph-node[data-node={node}]")).to_have_attribute("data-status", "credited")
            for node in ("logprobs", "bndiff2", "bnmeani", "b1"):
                expect(graph.locator(f"tr.graph-node[data-node={node}]")).to_have_attribute("data-status", "right")
            expect(page.locator(".report #fn-dbndiff")).to_contain_text("the first node whose step is wrong")
            expect(page.locator(".report #fn-dhprebn")).to_contain_text("1/1")
            page.screenshot(path=str(SHOTS / "student-staged-graph.png"), full_page=True)
            page.close()
        finally:
            browser.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
