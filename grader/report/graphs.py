"""A staged graph in a report (Report.graphs, made by grader.graphs.kind.graph_view), as text lines
and as HTML: each node from the last step back, with its state; the first wrong node marked.

States: given (the last step's gradient, handed to the student), right, credited (the node's own
step is right, its input was already wrong), first_wrong, wrong, error (raised or unusable), missing.
"""
from __future__ import annotations

from html import escape

STATES = {
    "given": ("→", "given", "#57606a"),
    "right": ("✓", "right", "#1a7f37"),
    "credited": ("✓", "credited: your step is right, its input was already wrong", "#0a6a8a"),
    "first_wrong": ("✗", "FIRST WRONG", "#cf222e"),
    "wrong": ("✗", "wrong step", "#cf222e"),
    "error": ("!", "did not run", "#cf222e"),
    "missing": ("·", "not written yet", "#9a6700"),
}


def shown(graphs: list[dict]) -> list[dict]:
    """The graphs worth drawing: a hidden graph whose nodes fared exactly as the public one's did is
    said in the public one's heading instead of drawn again."""
    kept: list[dict] = []
    for graph in filter(_drawable, graphs):
        twin = next((g for g in kept if g.get("exercise") == graph.get("exercise") and _states(g) == _states(graph)), None)
        if twin is None:
            kept.append(dict(graph))
        else:
            twin["same_hidden"] = True
    return kept


def restricted(graphs: list[dict], functions: set[str]) -> list[dict]:
    """The graphs as an assignment that grades only `functions` (some of a graph's node functions)
    shows them: the other nodes left out (their steps earn nothing there), and the first wrong node
    the first of those kept whose step is wrong."""
    kept = []
    for graph in filter(_drawable, graphs):
        nodes = [dict(node) for node in graph["nodes"] if node["status"] == "given" or node["gradient"] in functions]
        first = next((node for node in nodes if node["status"] in ("first_wrong", "wrong")), None)
        for node in nodes:
            if node["status"] in ("first_wrong", "wrong"):
                node["status"] = "first_wrong" if node is first else "wrong"
        kept.append({**graph, "nodes": nodes, "first_wrong": first["name"] if first else None})
    return kept


def _drawable(graph) -> bool:
    """A graph with the nodes a drawing needs (another kind's data, or a damaged stored report, is
    left out rather than break the page)."""
    nodes = graph.get("nodes") if isinstance(graph, dict) else None
    return isinstance(nodes, list) and bool(nodes) and all(
        isinstance(node, dict) and all(isinstance(node.get(key), str) for key in ("name", "gradient", "status"))
        for node in nodes)


def _states(graph: dict) -> list:
    return [(node["name"], node["status"]) for node in graph["nodes"]]


def heading(graph: dict) -> str:
    where = "public" if graph.get("visibility") == "visible" else "hidden"
    if graph.get("same_hidden"):
        where = "public, and the same on the hidden inputs"
    return f"{graph.get('title') or graph.get('exercise')} ({where}): {_verdict(graph)}"


def _verdict(graph: dict) -> str:
    """The graph in a few words: its first wrong node; else whether every step is right, or which
    were not written or did not run (a stub's graph is not "every step is right")."""
    first = graph.get("first_wrong")
    if first:
        return f"the first node whose step is wrong is d{first}"
    states = [node["status"] for node in graph["nodes"] if node["status"] != "given"]
    unwritten, unrun = states.count("missing"), states.count("error")
    if not unwritten and not unrun:
        return "every step is right"
    if unwritten == len(states):
        return "no step written yet"
    untold = [f"{unwritten} not written yet"] * bool(unwritten) + [f"{unrun} did not run"] * bool(unrun)
    return f"no wrong step among those that ran ({', '.join(untold)})"


def _shape(node: dict) -> str:
    shape = node.get("shape") or []
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _step(node: dict) -> str:
    reads = node.get("reads") or []
    return f"{node['name']} ← {', '.join(reads)}" if reads else f"{node['name']} (input)"


def rows(graph: dict) -> list[dict]:
    """Each node as a row to show: mark, gradient, shape, step, state label and what is wrong there
    (said for a wrong node only), plus its name and status for styling."""
    shown = []
    for node in graph["nodes"]:
        mark, label, colour = STATES.get(node["status"], ("?", node["status"], "#1f2328"))
        says = node.get("says") or "" if node["status"] in ("first_wrong", "wrong", "error") else ""
        shown.append({"name": node["name"], "status": node["status"], "mark": mark, "gradient": node["gradient"],
                      "shape": _shape(node), "step": _step(node), "label": label, "says": says, "colour": colour})
    return shown


def text_lines(graph: dict) -> list[str]:
    """The graph as terminal lines, one per node, the last step first."""
    lines = [f"Graph: {heading(graph)}"]
    width = max(len(node["gradient"]) for node in graph["nodes"])
    for row in rows(graph):
        says = f": {row['says']}" if row["says"] else ""
        lines.append(f"  {row['mark']} {row['gradient']:<{width}}  {row['shape']:<12} {row['label']}{says}   [{row['step']}]")
    return lines


def to_html(graph: dict) -> str:
    """The graph as an HTML table (inline styles), the first wrong node's row marked."""
    lines = []
    for row in rows(graph):
        style = "background: #ffebe9; font-weight: bold" if row["status"] == "first_wrong" else ""
        lines.append(
            f'<tr class="graph-node graph-{escape(row["status"])}" data-node="{escape(row["name"])}" '
            f'data-status="{escape(row["status"])}" style="{style}">'
            f'<td style="color: {row["colour"]}">{row["mark"]}</td><td><code>{escape(row["gradient"])}</code></td>'
            f'<td><code>{escape(row["shape"])}</code></td><td><code>{escape(row["step"])}</code></td>'
            f'<td style="color: {row["colour"]}">{escape(row["label"])}</td><td>{escape(row["says"])}</td></tr>')
    return (f'<div class="staged-graph" data-exercise="{escape(graph.get("exercise", ""))}" '
            f'data-visibility="{escape(graph.get("visibility", ""))}" style="margin: 8px 0">'
            f'<div style="font-weight: bold">Graph: {escape(heading(graph))}</div>'
            '<table style="border-collapse: collapse; font-size: 13px; margin-top: 4px">'
            "<tr><th></th><th>gradient</th><th>shape</th><th>step</th><th>state</th><th></th></tr>"
            + "".join(lines) + "</table></div>")
