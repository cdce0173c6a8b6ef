"""What every check needs: calling the student's functions and reading what came back.

A check builds Calls, runs them in one batch through the runner, and turns Outcomes into
Findings. Each check also says, through its `plan`, which batches it will run if every case
passes; it builds them with `Context.once`, so that the plan and the check hold the very same
batch objects, by which the runner recognises the planned ones (grader.runner.plan). Everything
a student function can do wrong before any value is compared (raise, be missing, time out,
return None or the wrong number of values) is handled here, once.
"""
from __future__ import annotations

import ast
import dataclasses
import re
import zlib
from dataclasses import dataclass, field

import numpy as np

from ..cases import build_case
from ..compare import is_numeric_array
from ..diagnosis import puzzle
from ..diagnosis.slips import slip_hint
from ..diagnosis.tracebacks import RAISED, code_lines, failing_line
from ..exercises.base import Case, Exercise
from ..oracle import Oracle
from ..results import Finding, Status
from ..runner.calls import Call, Outcome, Ref, Runner


@dataclass
class Context:
    runner: Runner
    oracle: Oracle
    exercise: Exercise
    # The student's file as the worker imported it: what a proven fix (checks.code_fixes) changes.
    source: str = field(default="", repr=False)
    built: dict = field(default_factory=dict, repr=False)
    # What the exercise's blocks of checks (public, then hidden) share within one grade.
    across: dict = field(default_factory=dict, repr=False)
    # The exercise's public main cases: a diagnosis found on one case must hold on each of them too
    # (one_change's `elsewhere`, checks.code_fixes._keeps_right).
    public_main: list = field(default_factory=list, repr=False)
    # Its public edge cases (other configurations: a kernel not square, pad 0, overlapping windows): a
    # fix of the student's code must make the diagnosed result right there too (checks.code_fixes).
    public_edge: list = field(default_factory=list, repr=False)

    def once(self, build, *args):
        """build(*args), built once per block of checks (the engine clears `built` per exercise and
        visibility): a check's plan and the check itself then share the very same batches of calls,
        cases derived from a case, and the reference's answers about them."""
        key = (build, *map(id, args))
        if key not in self.built:
            self.built[key] = (build(*args), args)   # keeping the args alive keeps their ids theirs
        return self.built[key][0]

    def run(self, batch: list[Call]) -> list[Outcome]:
        """The outcomes of `batch` (built with once()), run the first time a check asks for it.

        Checks that read the same calls share one run: the forward-value, gradient and dtype checks
        all read case_calls(), so the student's forward and backward run once per case, not once
        per check."""
        key = ("ran", id(batch))
        if key not in self.built:
            self.built[key] = (self.runner.run(batch), batch)   # keeping the batch alive keeps its id its own
        return self.built[key][0]

    def run_aside(self, batch: list[Call]) -> list[Outcome]:
        """The outcomes of a diagnosis's own runs of the student's code (a changed function, another
        dout), on a worker of their own: they must not print into the student's output, change the
        state the checks' calls meet, or be replayed when a plan is rolled back."""
        runner = self.runner.aside() if hasattr(self.runner, "aside") else self.runner
        return runner.run(batch)


class Failed(Exception):
    """Raised inside a check to stop at the first finding; carries it."""

    def __init__(self, finding: Finding):
        super().__init__(finding.output)
        self.finding = finding


def outcome_finding(outcome: Outcome, function: str, case: Case | None = None,
                    exercise: Exercise | None = None) -> Finding | None:
    """The finding for a call that did not return normally, or None if it did.

    With the `case`, a shape error's hint solves the shape puzzle from the case's shapes. The
    exercise (the case's, when not given) may know the cause of an exception better.
    """
    if outcome.ok:
        return None
    error = outcome.error or {}
    if outcome.status == "missing":
        return Finding(Status.MISSING, f"{function} is not defined", f"Define {function} in your file.",
                       "not_defined")
    if outcome.status == "not_implemented":
        return Finding(Status.MISSING, f"{function} is not implemented (it raises NotImplementedError)",
                       f"Replace the TODO in {function} with your implementation.", "not_implemented")
    if outcome.status == "timeout" and case is not None and case.work:
        return work_bound_finding(outcome, function, case)
    if outcome.status == "timeout":
        return Finding(Status.TIMEOUT, outcome.detail or f"{function} took too long",
                       "Look for an infinite loop, or a loop over elements that could be vectorised.", "timeout")
    if outcome.status == "error":
        trace = error.get("traceback") or error.get("message") or "an exception"
        exercise = exercise or (case.exercise if case is not None else None)
        own = exercise.error_hint(error, function, case) if exercise and exercise.error_hint else None
        hint, mistake = own or _error_hint(error, function, case, exercise)
        return Finding(Status.ERROR, f"{function}{RAISED}{trace}", hint, mistake)
    if outcome.status == "crashed":
        return Finding(Status.ERROR, outcome.detail, "Don't call exit() or os._exit(); return your results.",
                       "crashed")
    if outcome.status == "skipped":
        return Finding(Status.SKIPPED, outcome.detail or f"{function} was not run: a call it needed failed")
    return Finding(Status.ERROR, outcome.detail or f"{function} returned something the grader cannot read",
                   "Return numpy arrays of floats (or tuples of them), nothing else.", "unreadable_return")


def _error_hint(error: dict, function: str, case: Case | None,
                exercise: Exercise | None = None) -> tuple[str | None, str]:
    """(hint, mistake id) for a student's exception."""
    kind, message = error.get("type", ""), error.get("message", "")
    trace = error.get("traceback") or ""
    if kind == "TypeError" and "integer scalar arrays" in message and re.search(r"np\.(max|amax)\(", trace):
        return ("np.max(a, b) reduces a over the axis b: the elementwise maximum of two arrays is "
                "np.maximum(a, b).", "np_max_not_maximum")
    if kind == "ValueError" and "broadcast" in message:
        literal = _literal_size_against_input(message, trace, case)
        if literal is not None:
            return literal, "hardcoded_shape"
        return puzzle.broadcast_advice(message) or _SHAPES_HINT, "shape_error"
    if kind in ("ValueError", "TypeError") and "boolean array indexing assignment" in message:
        return ("An assignment through a boolean mask takes one value per selected entry: index the right side with "
                "the same mask, dx[mask] = dout[mask] (or multiply, dx = dout * mask)."), "mask_assignment"
    if kind == "ValueError" and "cannot reshape array" in message:
        if _literal_size_in_reshape(trace):
            return ("A reshape with sizes written as numbers fits one input only: derive them from the arrays, "
                    "e.g. x.reshape(x.shape[0], -1), dx.reshape(x.shape)."), "hardcoded_shape"
        return _RESHAPE_HINT, "shape_error"
    if kind == "ValueError" and ("shapes" in message or "aligned" in message or "matmul" in message):
        return _shape_puzzle(function, case) or _SHAPES_HINT, "shape_error"
    module = error.get("module")
    if kind == "ModuleNotFoundError" and module and module.split(".")[0] != "numpy":
        return (f"{function} uses `{module}`, which your file imports and the grader does not have (it has numpy "
                "and Python's standard library): remove that import and write this part with numpy. If it is a "
                "file of yours, submit a zip of your whole folder with it (your functions that do not use it are "
                "graded either way)."), "module_not_found"
    if kind == "ModuleNotFoundError" and "numpy" not in message:
        return ("Only your submitted file is available while grading: put everything in that one file, or "
                "submit a zip with all of your files."), "module_not_found"
    if "MemoryError" in kind or "out of memory" in message:
        return "Your code ran out of memory: avoid building huge intermediate arrays.", "out_of_memory"
    # a forward's array arguments are its parameters: a line that unpacks one is provably unpacking an array
    forward_arrays = tuple(case.exercise.arrays) if case is not None and function == case.exercise.forward else ()
    slip = slip_hint(kind, message, trace, forward_arrays)
    if slip:
        return slip
    if kind in ("NameError", "UnboundLocalError"):
        return ("A name your code uses is not defined where it runs: a typo, or a variable that lives in "
                "another function (each function sees only its arguments and what it unpacks from its cache)."
                , "name_error")
    # On a hidden case the message is withheld (grader.runner.redaction): the case says a number was given.
    given_numbers = case is not None and case.config.get("python_floats")
    if kind == "AttributeError" and (given_numbers or re.search(r"'(float|int)' object has no attribute", message)):
        return ("Your function was given a plain Python number, which the API allows: it has no .shape or "
                ".ndim. Convert first, a = np.asarray(a, dtype=float), or use np.shape(a)."), "python_scalar_input"
    if kind == "KeyError":
        name = _parameter_dict_name(exercise, case)
        if name is None:
            return ("A key you read is not there: a parameter dict may lack optional keys (read them with "
                    ".get(key, default)).", "missing_key")
        return (f"A key you read is not there: {name} may lack optional keys (use {name}.get(key, default)).",
                "missing_key")
    return None, "exception"


def _parameter_dict_name(exercise: Exercise | None, case: Case | None) -> str | None:
    """What the exercise calls its parameter dict (bn_param, conv_param), for a hint about a
    missing key; None when it is not known."""
    if exercise is not None and exercise.state is not None:
        return exercise.state.param
    if case is not None:
        return next((name for name, value in zip(case.exercise.extras, case.extras) if isinstance(value, dict)), None)
    return None


def _literal_size_against_input(message: str, trace: str, case: Case | None) -> str | None:
    """A size written as a number (range(10), np.tile(y, (10, 1))) that met the input's own size: the
    broadcast message's shapes differ on one axis, where one holds a number written on the student's
    failing line that no input has as a size, and the other an input's size. The proof is the line,
    the message and the case's shapes together (a hidden case's message is withheld: then no claim)."""
    shapes = puzzle.broadcast_shapes(message)
    line = failing_line(trace)
    if shapes is None or case is None or not line:
        return None
    sizes = {size for array in case.arrays.values() for size in np.shape(array)}
    literals = {int(n) for n in re.findall(r"(?<![\w.\[])(\d+)(?![\w.\]])", line.split("#")[0])}
    first, second = shapes
    if len(first) != len(second):
        return None
    for a, b in zip(first, second):
        for written, meant in ((a, b), (b, a)):
            if written != meant and written in literals - sizes and written > 1 and meant > 1:
                source = next((f"{name}.shape[{axis}]" for name, array in case.arrays.items()
                               for axis, size in enumerate(np.shape(array)) if size == meant), None)
                if source is not None:
                    return (f"The {written} on this line is a size written as a number, and these inputs have "
                            f"{meant} there: take the size from the arrays, {source} (a number fits only the data "
                            "you tried first).")
    return None


def _literal_size_in_reshape(trace: str) -> bool:
    """Whether the student's line that failed reshapes to a size written as a number (the hint
    about hard-coded sizes is proven on their own code, not guessed from the error): an integer
    constant among reshape's arguments, other than -1 or 1 and other than an index (x.shape[0])."""
    lines = [line for line in code_lines(trace) if "reshape" in line]
    if not lines:
        return False
    try:
        tree = ast.parse(lines[-1].split("#")[0].strip().removeprefix("return "), mode="exec")
    except SyntaxError:
        return False
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        if getattr(call.func, "attr", getattr(call.func, "id", None)) != "reshape":
            continue
        indices = {id(n) for sub in ast.walk(call) if isinstance(sub, ast.Subscript) for n in ast.walk(sub.slice)}
        # -1 is numpy's "whatever is left", and a size-1 axis (reshape(N, G, 1, 1, 1)) fits every
        # input: neither is a size that fits one input only.
        if any(isinstance(n, ast.Constant) and type(n.value) is int and id(n) not in indices and n.value != 1
               for arg in call.args for n in ast.walk(arg)):
            return True
    return False


_SHAPES_HINT = "Shapes don't line up: print the shapes of your arrays and check each product and sum."
_RESHAPE_HINT = ("A reshape asked for a shape with another number of entries than the array has: print both "
                 "shapes at that line; the array is not the one you think, or the shape comes from another array.")


def unread_error(finding: Finding) -> bool:
    """Whether a finding is an exception of the student's code read no further than its kind: no
    cause named, or a shape error with the general advice only (checks.code_fixes may find the fix)."""
    if finding.status is not Status.ERROR:
        return False
    return finding.mistake == "exception" or (finding.mistake == "shape_error" and (
        finding.hint in (_SHAPES_HINT, _RESHAPE_HINT) or (finding.hint or "").endswith(puzzle.GENERAL_BROADCAST)))


def raised_at(outcome: Outcome) -> tuple[int, ...]:
    """The line numbers of the student's file an exception went through, the line that raised last
    (a hidden check's traceback keeps them in its text only)."""
    error = outcome.error or {}
    lines = tuple(line for line in error.get("lines") or () if type(line) is int)
    if lines:
        return lines
    return tuple(int(n) for n in re.findall(r'^  File "[^"]*", line (\d+)$', error.get("traceback") or "", re.M))


def _shape_puzzle(function: str, case: Case | None) -> str | None:
    """The products and sums with the shapes required here, for an exercise that declares its
    arrays meet in a matrix product (affine's shape_puzzle)."""
    if case is None or not case.exercise.shape_puzzle:
        return None
    arrays = {name: a.shape for name, a in case.arrays.items()}
    backward = function == case.exercise.backward
    dout_shape = case.douts[0].shape if case.dout is not None else None
    lines = puzzle.solve(arrays, dout_shape, backward=backward)
    if not lines:
        return None
    given = ", ".join([*(["dout " + str(tuple(dout_shape))] if backward else []),
                       *(f"{n} {tuple(s)}" for n, s in arrays.items())])
    return f"Shapes don't line up. You have {given}. The shapes fit only this way: " + "; ".join(lines) + "."


def as_array(value, what: str, function: str) -> np.ndarray:
    """A numeric ndarray from a returned value (numpy scalars and Python numbers allowed)."""
    if isinstance(value, (bool, int, float)) and not isinstance(value, bool):
        return np.asarray(value, dtype=np.float64)
    if isinstance(value, np.generic):
        value = np.asarray(value)
    if is_numeric_array(value):
        return value
    if value is None:
        raise Failed(Finding(Status.FAILED, f"{function} returned None for {what}",
                             f"Compute {what} and return it.", "returned_none"))
    kind = getattr(value, "type_name", None) or type(value).__name__
    if isinstance(value, np.ndarray):
        kind = f"numpy array of dtype {value.dtype}"
    if re.search(r"longdouble|float128|float96", kind):
        raise Failed(Finding(Status.ERROR, f"{function} returned {kind} for {what}: extended precision (float128, "
                                           "np.longdouble), expected float64",
                             "Compute in float64, NumPy's default: drop the dtype=np.float128 (or np.longdouble) "
                             "conversion. Extended precision is not needed here, and its size differs from machine "
                             "to machine.", "float128_result"))
    if kind.startswith("numpy array of"):
        raise Failed(Finding(Status.ERROR, f"{function} returned a {kind} for {what}, expected floats",
                             "Return a float64 array (NumPy's default): the grader does not read this dtype as "
                             "numbers.", "unreadable_dtype"))
    raise Failed(Finding(Status.ERROR, f"{function} returned an object of type {kind} for {what}, "
                                       "expected a numpy array", "Return plain numpy arrays of floats.",
                         "not_an_array"))


def check_pair(outcome: Outcome, function: str, names: str) -> None:
    """A function that must return a tuple of the values `names` lists, e.g. "(out, cache)"."""
    outline = outcome.outline
    if outline.get("type") in ("tuple", "list") and outline.get("len") == names.count(",") + 1:
        return
    got = "None" if outline.get("type") == "NoneType" else (
        f"a {outline.get('type')} of {outline.get('len')} values" if "len" in outline else f"a {outline.get('type')}")
    raise Failed(Finding(Status.FAILED, f"{function} must return {names}; it returned {got}",
                         f"End {function} with `return {names.strip('()')}`.", "wrong_return_arity"))


def forward_call(case: Case, save_as: str | None = None, *, return_args: bool = False, **replace) -> Call:
    """Call the student's forward on the case's inputs: keep the cache, bring back the output."""
    exercise = case.exercise
    want = (0, 1) if exercise.is_loss else output_positions(exercise)
    return Call(exercise.forward, case.args(**replace), save_as=save_as, want=want, return_args=return_args)


def output_positions(exercise: Exercise) -> tuple[int, ...]:
    """Where a layer's outputs are in what its forward returns (its cache comes after them)."""
    return tuple(range(len(exercise.output_names)))


def expected_outputs(oracle, case: Case) -> tuple[np.ndarray, ...]:
    """The reference's outputs for the case, always as a tuple (one output, for most layers)."""
    expected = oracle.forward(case)
    return expected if isinstance(expected, tuple) else (expected,)


def backward_call(case: Case, cache_name: str, *, return_args: bool = False, douts: tuple | None = None) -> Call:
    """The backward on a saved forward's cache (the upstream gradients, the case's unless `douts`
    are given, then the cache), counting the calls it makes of the forward."""
    exercise = case.exercise
    douts = tuple(d.copy() for d in (case.douts if douts is None else douts))
    return Call(exercise.backward, (*douts, Ref(cache_name, len(douts))), return_args=return_args,
                count_calls_of=exercise.forward)


def ones_like_dout(case: Case):
    """An upstream gradient of ones in the case's dout's form (an array, or a tuple of them)."""
    ones = tuple(np.ones_like(d) for d in case.douts)
    return ones if isinstance(case.dout, tuple) else ones[0]


def returned_names(exercise: Exercise) -> str:
    """What the forward returns, as a student writes it: "(out, cache)", "(loss, dx)"."""
    if exercise.is_loss:
        return "(loss, dx)"
    return "(" + ", ".join((*exercise.output_names, "cache")) + ")"


def backward_only(case: Case) -> list[Call]:
    """The backward of the saved "cache" (a loss has none: its forward gives its gradient)."""
    return [] if case.exercise.is_loss else [backward_call(case, "cache")]


def forward_outputs(outcome: Outcome, case: Case) -> tuple[np.ndarray, ...]:
    """Every output of the forward (one, for most), after the usual validation; raises Failed."""
    exercise = case.exercise
    finding = outcome_finding(outcome, exercise.forward, case)
    if finding:
        raise Failed(finding)
    check_pair(outcome, exercise.forward, returned_names(exercise))
    return tuple(as_array(value, name, exercise.forward)
                 for value, name in zip(outcome.value, exercise.output_names))


def gradients(outcome: Outcome, case: Case) -> tuple[np.ndarray, ...]:
    """The student's gradients, one per array input, after validation; raises Failed."""
    exercise = case.exercise
    names = exercise.gradient_names()
    if exercise.is_loss:
        finding = outcome_finding(outcome, exercise.forward, case)
        if finding:
            raise Failed(finding)
        check_pair(outcome, exercise.forward, "(loss, dx)")
        return (as_array(outcome.value[1], "dx", exercise.forward),)
    function = exercise.backward
    finding = outcome_finding(outcome, function, case)
    if finding:
        raise Failed(finding)
    value = outcome.value
    if len(names) == 1:
        if isinstance(value, tuple) and len(value) == 1:
            value = value[0]
        return (as_array(value, names[0], function),)
    expected = "(" + ", ".join(names) + ")"
    if value is None:
        raise Failed(Finding(Status.FAILED, f"{function} returned None",
                             f"Did you forget the return statement? End {function} with "
                             f"`return {expected.strip('()')}`.", "returned_none"))
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        got = f"{len(value)} values" if isinstance(value, (tuple, list)) else "one value"
        raise Failed(Finding(Status.FAILED, f"{function} must return {expected}; it returned {got}",
                             f"End {function} with `return {expected.strip('()')}`.", "wrong_return_arity"))
    return tuple(as_array(v, n, function) for v, n in zip(value, names))


def work_bound_finding(outcome: Outcome, function: str, case: Case) -> Finding:
    """A call that ran out of time on a work-bound case (Hidden.work), which code written by hand
    finishes in milliseconds: the function does work for every input element. A backward (or a
    loss's gradient) that does is what central differences through a copy of the forward look
    like, which no count of forward calls sees."""
    exercise = case.exercise
    said = f"{outcome.detail or function + ' took too long'} on a large case, which code written with " \
           "whole-array operations finishes in milliseconds"
    if function == exercise.backward or exercise.is_loss:
        return Finding(Status.TIMEOUT, f"{said}: it does work for every input element, as a numerical gradient "
                                       "does (the forward evaluated twice per element), or a Python loop over "
                                       "every element",
                       "Write the gradient by hand: each one is the local gradient times dout, with whole-array "
                       "operations (a matrix product, a sum over an axis). Numerical gradients are for checking a "
                       "backward, not for writing one.", "backward_too_slow")
    return Finding(Status.TIMEOUT, said,
                   "Compute it with whole-array operations (a matrix product, a sum over an axis), not a Python "
                   "loop over every element.", "timeout")


def forward_problem(outcome: Outcome, case: Case) -> Finding | None:
    """Why a backward cannot be run from this forward call (it failed, or gave no cache), or None."""
    exercise = case.exercise
    finding = outcome_finding(outcome, exercise.forward, case)
    if finding is None and not exercise.is_loss:
        try:
            check_pair(outcome, exercise.forward, returned_names(exercise))
        except Failed as failed:
            finding = failed.finding
    return finding


def backward_blocked(ctx: Context, case: Case, forward_finding: Finding) -> Finding:
    """The finding for a backward whose forward failed: it cannot be run without a cache.

    A backward that raises NotImplementedError before touching its cache (an unfinished stub)
    is reported as not implemented rather than blocked.
    """
    exercise = ctx.exercise
    probe = ctx.runner.run([Call(exercise.backward, (*(d.copy() for d in case.douts), None))])[0]
    if probe.status in ("missing", "not_implemented"):
        return outcome_finding(probe, exercise.backward)
    lines = [line.strip() for line in forward_finding.output.splitlines() if line.strip()]
    reason = lines[-1] if forward_finding.status is Status.ERROR and lines else (lines or [""])[0]
    return Finding(Status.SKIPPED, f"can't check {exercise.backward} until {exercise.forward} runs "
                                   f"({reason})",
                   f"Fix {exercise.forward} first: its cache is what {exercise.backward} receives.")


def values_seed(case: Case) -> int:
    """A seed from the case's own (hidden) values: what it seeds is as unpredictable as the inputs,
    and a regrade, which draws the same inputs, draws it again."""
    return zlib.crc32(b"".join(a.tobytes() for a in case.arrays.values()))


def results_again(ctx: Context, case: Case) -> tuple[Case, tuple, tuple] | None:
    """The case's configuration drawn afresh (seeded by values_seed) and what the student's functions
    give on it: (case, forward outputs, gradients; none for a loss); None when their code fails there.
    A diagnosis found on one case is confirmed on this one before it is shown (one_change)."""
    again = confirmation_case(ctx, case)
    found = results_on(ctx, again)
    return None if found is None else (again, *found)


def confirmation_case(ctx: Context, case: Case) -> Case:
    """The case's configuration drawn afresh, seeded by values_seed: the second draw a diagnosis
    found on `case` must hold on too (the same one at every regrade)."""
    return build_case(case.exercise, case.config, values_seed(case), "confirmation", ctx.oracle)


def mirrored_case(ctx: Context, case: Case) -> Case | None:
    """The case's configuration with its spatial axes exchanged (Exercise.mirror), drawn afresh; None
    where the exercise has no mirror or the configuration is its own (a square case)."""
    mirror = case.exercise.mirror
    config = mirror(case.config) if mirror is not None else None
    if config is None or config == case.config:
        return None
    return build_case(case.exercise, config, values_seed(case), "mirror", ctx.oracle)


def results_on(ctx: Context, case: Case) -> tuple[tuple, tuple] | None:
    """What the student's functions give on the case: (forward outputs, gradients; none for a loss);
    None when their code fails there."""
    outcomes = ctx.run(case_calls(ctx, case))
    try:
        if forward_problem(outcomes[0], case):
            return None
        outs = forward_outputs(outcomes[0], case)
        grads = gradients(outcomes[-1], case) if len(outcomes) > 1 or case.exercise.is_loss else ()
    except Failed:
        return None
    return outs, grads


def results_elsewhere(ctx: Context, case: Case, backward: bool) -> list[tuple[Case, tuple]]:
    """[(public main case, the student's results on it)] for every public main case but `case` where
    their code runs: a backward's gradients, a loss's (loss, dx), or a forward's outputs, as a
    diagnosis compares them (one_change's `elsewhere`)."""
    found = []
    for other in ctx.public_main:
        if other is case:
            continue
        ran = results_on(ctx, other)
        if ran is not None:
            outs, grads = ran
            found.append((other, (*outs, *grads) if case.exercise.is_loss else grads if backward else outs))
    return found


def case_calls(ctx: Context, case: Case) -> list[Call]:
    """The forward on the case's inputs (its result kept in the worker as "cache") and, for a layer,
    the backward on that cache: what the forward-value, gradient and dtype checks read (ctx.run)."""
    return ctx.once(after_forward, backward_only, case)


def after_forward(then, case: Case) -> list[Call]:
    """The forward (its result kept in the worker as "cache"), then the calls `then(case)`."""
    return [forward_call(case, save_as="cache"), *then(case)]


def plan_after_forward(ctx: Context, cases: list[Case], then) -> list[list[Call]]:
    return [ctx.once(after_forward, then, case) for case in cases]


def run_after_forward(ctx: Context, case: Case, then) -> tuple[Outcome, list[Outcome]]:
    """Run the forward (its result kept in the worker as "cache"), then the calls `then(case)`,
    which use it.

    Raises Failed when the forward gives nothing to work with: for a backward, a cache it cannot
    run without (backward_blocked); for a loss, the loss function's own failure.
    """
    forward, *rest = ctx.run(ctx.once(after_forward, then, case))
    problem = forward_problem(forward, case)
    if problem is not None:
        raise Failed(problem if case.exercise.is_loss else backward_blocked(ctx, case, problem))
    return forward, rest


def first_failure(cases: list[Case], check_case) -> Finding:
    """Run `check_case` on each case; the first failing Finding (labelled with its shapes) or PASS."""
    notes = []
    for case in cases:
        try:
            finding = check_case(case)
        except Failed as failed:
            finding = failed.finding
        if finding.status is not Status.PASSED:
            return _labelled(finding, case)
        if finding.output:
            notes.append(finding.output)
    return Finding(Status.PASSED, notes[0] if notes else "")


def _labelled(finding: Finding, case: Case) -> Finding:
    if finding.status in (Status.MISSING, Status.SKIPPED):
        return finding
    return dataclasses.replace(finding, output=f"{finding.output} [inputs: {case.label}]")
