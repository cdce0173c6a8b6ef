"""Staged graphs (grader.graphs): the tracer's gradients, the graph of named steps and its order,
how a student's node functions are called, and the node-by-node verdicts on small graphs."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from grader.graphs.arguments import Signature, signatures
from grader.graphs.graph import GraphError, trace
from grader.graphs.kind import walk_graph
from grader.graphs.tracer import Untraceable
from grader.results import Status
from grader.runner.calls import Outcome


def numerical(f, x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[index] += step
        minus[index] -= step
        grad[index] = (f(plus) - f(minus)) / (2 * step)
    return grad


RNG = np.random.default_rng(0)
OPERATIONS = {
    "broadcast add and mul": (lambda a, b: (a * b + b).sum(), (3, 4), (1, 4)),
    "divide and power": (lambda a, b: (a / (b ** 2 + 1.0) - a ** -0.5).sum(), (2, 3), (3,)),
    "exp, log, tanh, sqrt": (lambda a, b: (np.exp(a) * np.log(b * b + 1) + np.tanh(a) * np.sqrt(b * b + 1)).sum(), (4,), (4,)),
    "matmul and transpose": (lambda a, b: (a @ b).T.sum(), (3, 4), (4, 2)),
    "reductions with keepdims": (lambda a, b: (a - a.max(1, keepdims=True)).sum(0, keepdims=True).mean() * b.sum(), (3, 5), (2,)),
    "reshape and index": (lambda a, b: (a.reshape(6, 2)[np.array([0, 0, 5]), 1] * b[1:]).sum(), (3, 4), (4,)),
    "np functions": (lambda a, b: np.sum(np.maximum(a, 0.3) * np.mean(b, axis=0)), (3, 3), (2, 3)),
    "a mask is a constant": (lambda a, b: (a * (a > 1.0) + b * (b <= a.max())).sum(), (3,), (3,)),
}


@pytest.mark.parametrize("name", OPERATIONS)
def test_the_tracer_gives_the_numerical_gradient(name):
    f, sa, sb = OPERATIONS[name]
    a, b = RNG.uniform(0.5, 2.0, size=sa), RNG.uniform(0.5, 2.0, size=sb)
    graph = trace(lambda a, b: {"out": f(a, b)}, {"a": a, "b": b}, ("a", "b"))
    grads = graph.gradients(np.asarray(1.0))
    assert np.allclose(grads["a"], numerical(lambda x: f(x, b), a), atol=1e-6)
    assert np.allclose(grads["b"], numerical(lambda x: f(a, x), b), atol=1e-6)


def test_a_max_sends_the_gradient_to_the_first_maximum_only():
    graph = trace(lambda x: {"m": x.max(1, keepdims=True)}, {"x": np.array([[1.0, 3.0, 3.0]])}, ("x",))
    assert graph.gradients(np.array([[2.0]]))["x"].tolist() == [[0.0, 2.0, 0.0]]


def forward(x, w):
    y = x * w              # x is used twice: here and in z
    z = y + x.sum(0)       # an unnamed sum belongs to z's step
    loss = (z * z).mean()
    return locals()


def small_graph():
    return trace(forward, {"x": RNG.normal(size=(3, 2)), "w": RNG.normal(size=(3, 2))}, ("x", "w"))


def test_named_steps_are_nodes_with_what_they_read_in_reverse_order():
    graph = small_graph()
    assert graph.nodes == ("x", "w", "y", "z", "loss") and graph.root == "loss"
    assert graph.parents == {"x": (), "w": (), "y": ("x", "w"), "z": ("y", "x"), "loss": ("z",)}
    assert graph.consumers["x"] == ("y", "z")
    assert graph.order == ("z", "y", "x", "w")     # each node after every step that reads it, in operand order


def test_a_value_used_twice_gets_the_sum_of_its_branches():
    graph = small_graph()
    grads = graph.gradients(np.asarray(1.0))
    through_y = graph.branch("x", "y", grads)
    through_z = graph.branch("x", "z", grads)
    assert np.allclose(through_y + through_z, grads["x"])
    assert np.allclose(through_y, grads["y"] * graph.values["w"])
    assert np.allclose(through_z, np.broadcast_to(grads["z"].sum(0), (3, 2)))


@pytest.mark.parametrize("forward, words", [
    (lambda x: {"y": np.cumsum(x)}, "cannot trace: np.cumsum"),
    (lambda x: x * 2, "must return its named steps as a dict"),
    (lambda x: {"y": x * 2, "z": x}, "the same array as x"),
    (lambda x: {"y": float(x.sum())}, "turned a traced array into a plain array"),
])
def test_a_forward_that_cannot_be_graded_says_why(forward, words):
    with pytest.raises((GraphError, Untraceable), match=words):
        trace(forward, {"x": np.ones(3)}, ("x",))


def test_parameters_are_read_from_the_source_by_name():
    found = signatures("def da(x, dy, n=3, *, eps=1e-5):\n    pass\n"
                       "db = lambda dy: dy\n"
                       "def dc(**values):\n    pass\n"
                       "def da(y):\n    pass\n")
    assert found["da"] == Signature(("y",))              # the last definition wins, as at import
    assert found["db"] == Signature(("dy",))
    assert found["dc"] == Signature((), (), True)
    assert signatures("def broken(:\n") == {}


class Answers:
    """A runner that answers node functions from a table of Python functions of the call's values."""

    def __init__(self, functions):
        self.functions, self.calls = functions, []

    def run(self, calls):
        self.calls.extend(calls)
        out = []
        for call in calls:
            f = self.functions.get(call.function)
            if f is None:
                out.append(Outcome("missing"))
                continue
            out.append(Outcome("ok", value=np.asarray(f(*call.args, **call.kwargs))))
        return out


RIGHT = {
    "dz": lambda z, dloss: 2 * z / z.size * dloss,
    "dy": lambda dz: dz,
    "dw": lambda x, dy: x * dy,
    "dx": lambda w, dy, dz: w * dy + dz.sum(0),
}
SIGNATURES = {name: Signature(tuple(f.__code__.co_varnames[:f.__code__.co_argcount])) for name, f in RIGHT.items()}


def walk(functions):
    graph = small_graph()
    runner = Answers(functions)
    return {r.name: r for r in walk_graph(graph, np.asarray(1.0), runner, SIGNATURES)}, runner


def test_right_answers_pass_every_node_and_get_exactly_the_values_they_name():
    results, runner = walk(RIGHT)
    assert all(r.passed and r.true_ok for r in results.values())
    dx_call = next(c for c in runner.calls if c.function == "dx")
    assert len(dx_call.args) == 3 and dx_call.args[0].shape == (3, 2) and not dx_call.kwargs


def test_the_first_wrong_step_is_marked_and_later_right_steps_are_credited():
    results, _ = walk({**RIGHT, "dy": lambda dz: 2 * dz})
    assert results["y"].first_wrong and results["y"].status is Status.FAILED
    assert results["w"].passed and results["w"].credited      # right for the wrong dy it was given
    assert results["x"].passed and results["x"].credited
    assert "credited" in results["x"].output


def test_a_missing_branch_is_named_with_the_step_it_flows_through():
    results, _ = walk({**RIGHT, "dx": lambda w, dy, dz: w * dy})
    assert results["x"].mistake == "staged_missing_branch"
    assert "dx is missing the contribution that flows back through z: x is used twice" in results["x"].output


def test_a_node_that_cannot_run_is_replaced_by_the_true_gradient_for_the_nodes_after_it():
    functions = dict(RIGHT)
    del functions["dy"]
    results, _ = walk(functions)
    assert results["y"].status is Status.MISSING and not results["y"].passed
    assert not any(r.first_wrong for r in results.values())    # not written yet is not where one went wrong
    assert results["w"].passed and results["w"].true_ok and not results["w"].credited


def test_asking_for_a_gradient_computed_later_is_an_error_that_says_so():
    graph = small_graph()
    signatures_ = {**SIGNATURES, "dz": Signature(("z", "dx"))}
    results = walk_graph(graph, np.asarray(1.0), Answers(RIGHT), signatures_)
    assert results[0].status is Status.ERROR and "dz asks for dx, which comes after it" in results[0].output


DECLARATION = '''
import numpy as np
from grader.declare import StagedGraph


def forward(x):
    y = {step}
    loss = y.sum()
    return locals()


EXERCISES = [StagedGraph(name="g", forward=forward, make_inputs=lambda rng, sizes: {{"x": rng.normal(size=3)}},
                         params=("x",), sizes={{}}, given=1.0)]
'''


@pytest.mark.parametrize("step, words", [
    ("np.cumsum(x)", "exercise 'g': .*the forward uses an operation the grader cannot trace: np.cumsum"),
    ("x.undefined()", "exercise 'g': .*the forward fails on traced inputs: AttributeError"),
])
def test_a_course_whose_graph_cannot_be_traced_is_refused_at_load(tmp_path, step, words):
    from grader.course import Course
    from grader.exercises import DeclarationError
    (tmp_path / "exercises" / "g").mkdir(parents=True)
    (tmp_path / "reference").mkdir()
    (tmp_path / "exercises" / "g" / "assignment.py").write_text(DECLARATION.format(step=step))
    with pytest.raises(DeclarationError, match=words):
        Course(tmp_path).catalogue()
    (tmp_path / "exercises" / "g" / "assignment.py").write_text(DECLARATION.format(step="np.exp(x) * x"))
    assert Course(tmp_path).catalogue()["g"][0].functions == ("dy", "dx")


def test_nodes_the_time_budget_leaves_no_time_for_are_timeouts():
    class Spent:
        seconds, expired = 1.0, True

        def finding(self):
            from grader.budget import Budget
            return Budget.finding(self)
    results = walk_graph(small_graph(), np.asarray(1.0), Answers(RIGHT), SIGNATURES, Spent())
    assert {r.status for r in results} == {Status.TIMEOUT} and "time budget" in results[0].output


def test_a_mistake_declared_at_a_node_is_named_before_the_graphs_own():
    from grader.graphs.diagnosis import NodeMistake
    doubled = NodeMistake("y", "y_doubled", "dy is twice dz", lambda v: 2 * v["dz"], "Pass dz on as it is.")
    elsewhere = NodeMistake("w", "w_doubled", "never said here", lambda v: 2 * v["dz"])
    graph = small_graph()
    results = walk_graph(graph, np.asarray(1.0), Answers({**RIGHT, "dy": lambda dz: 2 * dz}), SIGNATURES,
                         None, (doubled, elsewhere))
    y = next(r for r in results if r.name == "y")
    assert (y.mistake, y.hint) == ("y_doubled", "Pass dz on as it is.") and "dy is twice dz" in y.output
    broken = NodeMistake("y", "y_broken", "unreachable", lambda v: v["no such value"])
    results = walk_graph(graph, np.asarray(1.0), Answers({**RIGHT, "dy": lambda dz: 2 * dz}), SIGNATURES,
                         None, (broken,))
    assert next(r for r in results if r.name == "y").mistake == "staged_local_wrong"   # the author's slip costs nothing


def test_validate_refuses_a_mistake_declared_at_no_node(tmp_path):
    import shutil
    from grader.course import Course
    from grader.validate import validate
    root = Path(__file__).resolve().parents[2]
    for part in ("exercises", "reference"):
        shutil.copytree(root / part / "staged_batchnorm", tmp_path / part / "staged_batchnorm")
    hidden = tmp_path / "reference" / "staged_batchnorm" / "hidden.py"
    hidden.write_text(hidden.read_text().replace('NodeMistake("var",', 'NodeMistake("out",'))
    result = validate("staged_batchnorm", Course(tmp_path), seeds=1, sandboxed=False)
    assert any("a declared mistake is at 'out', which is not a node" in p for p in result.problems)


def test_a_gradient_assigned_as_a_value_is_told_to_become_a_function(tmp_path):
    from grader.engine import grade
    root = Path(__file__).resolve().parents[2]
    source = (root / "reference" / "sigmoid_neuron" / "sigmoid_neuron.py").read_text()
    path = tmp_path / "sigmoid_neuron.py"
    path.write_text(source + "\n\nddenom = -0.25\n")           # Karpathy's notebook style, a global
    report = grade(path, assignment="sigmoid_neuron", course=root, in_process=True)
    wrong = [t for t in report.tests if t.status is not Status.PASSED]
    assert [(t.function, t.mistake) for t in wrong] == [("ddenom", "not_a_function")]
    assert "def ddenom(...)" in wrong[0].hint
    assert signatures("ddenom = -0.25\n")["ddenom"].not_a_function
