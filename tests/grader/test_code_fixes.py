"""Fixes proven on the student's own code (grader.diagnosis.code_fixes, grader.checks.code_fixes): their
function changed in one place, run in the sandbox like their code, right on the failing case and on a
second draw; the hint quotes their line and the change."""
from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

from grader.cases import public_cases
from grader.checks import code_fixes as checks_code_fixes
from grader.checks.common import Context
from grader.course import find_course
from grader.diagnosis import code_fixes, one_change
from grader.engine import grade
from grader.exercises import catalogue
from grader.oracle import oracle_for
from grader.runner.calls import Call
from grader.runner.inprocess import InProcessRunner
from grader.runner.process import ProcessRunner
from tests.authored_course import course_from_guide

REFERENCE_SVM = Path(__file__).resolve().parents[2] / "reference" / "svm" / "svm.py"

# tanh written through cosh, not through tanh's output as the course's reference writes it: a slip
# in it is no one change of the reference, so only a change of the student's own code can name it.
COSH_BACKWARD = """
    import numpy as np

    def tanh_forward(x):
        return np.tanh(x), x

    def tanh_backward(dout, cache):
        x = cache
        local = 1.0 / np.cosh(x) ** {power}
        return dout * local
"""


@pytest.fixture(scope="module")
def tanh_course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tanh_course")
    course_from_guide(folder)
    return folder


def _failed(report, function):
    return [t for t in report.tests if t.function == function and t.status == "failed"]


def test_a_slip_in_the_students_own_formula_is_fixed_on_their_line(tanh_course, tmp_path):
    submission = tmp_path / "tanh.py"
    submission.write_text(textwrap.dedent(COSH_BACKWARD.format(power=3)))
    report = grade(submission, course=tanh_course, seed=1)
    failed = _failed(report, "tanh_backward")
    assert failed and all(t.mistake == "dx_constant_off" for t in failed)      # public and hidden alike
    hint = failed[0].hint
    assert "`3` changed to `2`" in hint and "`local = 1.0 / np.cosh(x) ** 3`" in hint
    assert "second draw" in hint
    # nothing of the hidden cases is in it: the same words at another seed
    assert [t.hint for t in _failed(grade(submission, course=tanh_course, seed=2), "tanh_backward")] == \
        [t.hint for t in failed]


def test_without_a_fix_of_one_change_nothing_is_claimed(tanh_course, tmp_path):
    # 1 / cosh(x) ** 2 * 0.5 + 0.1: no single change of this line makes it right.
    submission = tmp_path / "tanh.py"
    submission.write_text(textwrap.dedent("""
        import numpy as np

        def tanh_forward(x):
            return np.tanh(x), x

        def tanh_backward(dout, cache):
            return dout * (0.5 / np.cosh(cache) ** 2 + 0.1)
    """))
    failed = _failed(grade(submission, course=tanh_course, seed=1), "tanh_backward")
    assert failed and not any("Your code gives the right" in (t.hint or "") for t in failed)


def _context(tanh_course, submission: Path):
    course = find_course(tanh_course)
    exercise = next(e for e in catalogue(tanh_course).exercises() if e.backward == "tanh_backward")
    oracle = oracle_for([exercise.assignment], course)
    cases = public_cases(exercise, oracle, course.exercises_dir).main
    runner = InProcessRunner(submission)
    return Context(runner, oracle, exercise, submission.read_text()), cases, oracle


def _student_dx(case, power):
    return (case.dout / np.cosh(case.arrays["x"]) ** power,)


def test_a_fix_must_hold_on_a_second_draw_where_the_students_result_is_wrong(tanh_course, tmp_path):
    submission = tmp_path / "tanh.py"
    submission.write_text(textwrap.dedent(COSH_BACKWARD.format(power=3)))
    ctx, cases, oracle = _context(tanh_course, submission)
    case, other = cases[0], cases[-1]

    def explained(again):
        ctx.across.clear()      # another grade: the search is made once per wrong result and grade
        return checks_code_fixes.explain(ctx, case, "dx", _student_dx(case, 3), 0, backward=True, again=again)
    assert explained(lambda: (other, _student_dx(other, 3)))[1] == "dx_constant_off"
    # on the other draw their result is right: it proves nothing, and nothing is claimed
    assert explained(lambda: (other, tuple(oracle.backward(other)))) is None
    assert explained(lambda: None) is None


def test_one_search_per_wrong_result_and_grade(tanh_course, tmp_path):
    # A later case of the same grade, public or hidden, tries only the fix found first.
    submission = tmp_path / "tanh.py"
    submission.write_text(textwrap.dedent(COSH_BACKWARD.format(power=3)))
    ctx, cases, oracle = _context(tanh_course, submission)
    first, later = cases[0], cases[-1]
    assert checks_code_fixes.explain(ctx, first, "dx", _student_dx(first, 3), 0, backward=True)[1] == "dx_constant_off"
    # the fix found is tried on the later case, and holds there
    assert checks_code_fixes.explain(ctx, later, "dx", _student_dx(later, 3), 0, backward=True)[1] == "dx_constant_off"
    searched = [key for key in ctx.across if key[0] == "code_fixes"]
    assert len(searched) == 1 and ctx.across[searched[0]].after == "2"


def test_no_fix_without_the_reference(tanh_course, tmp_path):
    # A student's release has recorded answers only: there is no right answer for a second draw.
    submission = tmp_path / "tanh.py"
    submission.write_text(textwrap.dedent(COSH_BACKWARD.format(power=3)))
    ctx, cases, oracle = _context(tanh_course, submission)
    oracle.public_only = True
    try:
        assert checks_code_fixes.explain(ctx, cases[0], "dx", _student_dx(cases[0], 3), 0, backward=True) is None
    finally:
        oracle.public_only = False


def test_a_fix_may_not_make_another_result_wrong():
    right = (np.ones(3), np.full(2, 2.0))
    wrong_dx, wrong_dw = np.zeros(3), np.zeros(2)
    assert checks_code_fixes._fixes((wrong_dx, right[1]), right, right, 0)
    assert checks_code_fixes._fixes((wrong_dx, wrong_dw), (right[0], wrong_dw), right, 0)   # dw as wrong as before
    assert not checks_code_fixes._fixes((wrong_dx, right[1]), (right[0], wrong_dw), right, 0)  # dw made wrong
    assert not checks_code_fixes._fixes((wrong_dx, right[1]), (wrong_dx + 5, right[1]), right, 0)  # still wrong


@pytest.mark.parametrize("runner_class", [InProcessRunner, ProcessRunner])
def test_a_changed_function_runs_in_place_of_theirs_for_that_call_only(tmp_path, runner_class):
    submission = tmp_path / "student.py"
    submission.write_text(textwrap.dedent("""
        def scale(x):
            return 2 * x

        def layer(x):
            return scale(x) + 1
    """))
    changed_helper = "def scale(x):\n    return 3 * x\n"
    with runner_class(submission) as runner:
        plain, changed, again = runner.run([Call("layer", (1.0,)), Call("layer", (1.0,), patch=changed_helper),
                                           Call("layer", (1.0,))])
        broken = runner.run([Call("layer", (1.0,), patch="def scale(x):\n    return x +\n")])[0]
    assert (plain.value, changed.value, again.value) == (3.0, 4.0, 3.0)    # the caller calls the changed helper
    assert broken.status == "error"                                         # a change that does not compile


def test_the_changes_are_made_to_the_students_source_and_worded_in_it():
    source = textwrap.dedent("""
        import numpy as np

        def backward(dout, cache):
            x, w = cache
            dx = dout.dot(w)
            dw = x.T.dot(dout)
            return dx, dw
    """)
    fixes = code_fixes.fixes(source, code_fixes.functions_to_change(source, "backward"), "submission")
    transposed = [f for f in fixes if f.kind == "transpose_off" and f.after == "w.T"]
    assert transposed and transposed[0].line == "dx = dout.dot(w)"
    assert "def backward(dout, cache):" in transposed[0].source and "dout.dot(w.T)" in transposed[0].source
    assert len(fixes) <= code_fixes.MAX_TRIED
    assert code_fixes.fixes("def broken(:\n", ["broken"], "submission") == []     # a file that does not parse


def test_a_cache_unpacked_in_another_order_is_fixed_by_exchanging_two_names(mutant):
    # x_hat and inv_std in each other's place: no one change of the reference, and not inputs of one shape
    unpacked = "    x_hat, inv_std, gamma = cache\n    dx = _normalise_backward(dout * gamma, x_hat, inv_std, 0)"
    report = grade(mutant("layers2", unpacked, unpacked.replace("x_hat, inv_std, gamma", "inv_std, x_hat, gamma")), seed=1)
    failed = _failed(report, "batchnorm_backward_alt")
    assert failed and all(t.mistake == "dx_variable_off" for t in failed)
    assert "`(inv_std, x_hat, gamma)` changed to `(x_hat, inv_std, gamma)` in the line `inv_std, x_hat, gamma = " \
           "cache`" in failed[0].hint and "the cache's order" in failed[0].hint


def test_names_are_exchanged_only_in_a_tuple_unpacked_from_a_parameter_and_unread_ones_first():
    source = textwrap.dedent("""
        import numpy as np

        def backward(dout, cache):
            x, beta, gamma, eps, unused = cache
            a, b = np.ones(2), np.zeros(2)
            return dout * gamma / np.sqrt(x + eps) + a * b
    """)
    fixes = code_fixes.fixes(source, ["backward"], "submission")
    unpacked = [f for f in fixes if f.line == "x, beta, gamma, eps, unused = cache" and f.before.startswith("(")]
    # a pair of names never read changes nothing: beta and unused are not exchanged
    assert "(x, unused, gamma, eps, beta)" not in {f.after for f in unpacked}
    assert len(unpacked) == 9 and all(f.kind == "variable_off" for f in unpacked)
    # a name never read and one read come first (beta for eps), then two read ones (x and gamma)
    assert unpacked[0].after == "(beta, x, gamma, eps, unused)"
    assert [f.after for f in unpacked[-3:]] == ["(gamma, beta, x, eps, unused)", "(eps, beta, gamma, x, unused)",
                                                "(x, beta, eps, gamma, unused)"]
    # a tuple unpacked from a value the function computed is not a cache read in another order
    assert not [f for f in fixes if f.line.startswith("a, b =") and f.after and f.after.startswith("(b, a)")]


def test_one_change_and_code_fixes_share_their_edits():
    # The same slips, made to a reference (one_change) or to a student's function (code_fixes).
    definition = code_fixes._parsed("def f(a, b):\n    return a.sum(axis=0) * b\n")["f"]
    assert {c.kind for c in one_change.changes_in(definition, "f.py")} >= {"axis_off", "factor_off"}


def test_a_root_without_eps_is_fixed_where_the_function_has_an_eps():
    source = textwrap.dedent("""
        import numpy as np

        def backward(dout, cache):
            x, var, eps = cache
            inv = 1 / np.sqrt(var)
            other = np.sqrt(var + eps)
            return dout * inv * other
    """)
    fixes = code_fixes.fixes(source, ["backward"], "submission")
    added = [f for f in fixes if f.after == "np.sqrt(var + eps)"]
    assert [f.line for f in added] == ["inv = 1 / np.sqrt(var)"]        # not the root that has it already
    assert "sqrt(var + eps)" in added[0].advice
    assert not any(f.after and "+ eps" in f.after for f in code_fixes.fixes(source.replace("eps", "e"), ["backward"],
                                                                            "submission"))


def test_the_statements_computing_the_wrong_result_are_tried_first():
    source = textwrap.dedent("""
        import numpy as np

        def backward(dout, cache):
            x, x_hat, var = cache
            dbeta = np.sum(dout, axis=0)
            dgamma = np.sum(var * dout, axis=0)
            dx = dout * x_hat * var
            return dx, dgamma, dbeta
    """)
    fixes = code_fixes.fixes(source, ["backward"], "submission", position=1)
    first_elsewhere = next(k for k, f in enumerate(fixes) if not f.line.startswith("dgamma"))
    assert all(f.line.startswith("dgamma") for f in fixes[:first_elsewhere])
    assert any(f.after == "x_hat" for f in fixes[:first_elsewhere])


# max_pool_backward's loops over the output's rows and columns, as a student names them.
POOL_LOOPS = "    dx = np.zeros_like(x)\n    for i in range(dout.shape[2]):\n        for j in range(dout.shape[3]):"


def _pool_loops(rows: str, columns: str) -> str:
    return (f"    dx = np.zeros_like(x)\n    H_out, W_out = dout.shape[2], dout.shape[3]\n"
            f"    for i in range({rows}):\n        for j in range({columns}):")


def test_a_size_swap_square_inputs_hide_is_fixed_in_a_loops_range(mutant):
    # The columns looped over the output's height: right on a square output, short of the last
    # columns on a wide one. The loop's range is where the fix is (one_change never edits ranges).
    report = grade(mutant("layers2", POOL_LOOPS, _pool_loops("H_out", "H_out")), seed=1)
    failed = _failed(report, "max_pool_backward_naive")
    assert failed and all(t.mistake == "dx_variable_off" for t in failed)
    assert "`H_out` changed to `W_out` in the line `for j in range(H_out):`" in failed[0].hint
    assert "rows go with the height" in failed[0].hint


def test_code_that_raises_is_fixed_where_the_exception_names_no_cause(mutant):
    # The rows looped over the output's width: on a wide output the windows run past the input and
    # numpy raises (a reduction of an empty window, a broadcast that fails); on a hidden case the
    # message is withheld, and the fix still quotes only the student's own line.
    report = grade(mutant("layers2", POOL_LOOPS, _pool_loops("W_out", "W_out")), seed=1)
    raised = [t for t in report.tests if t.function == "max_pool_backward_naive" and t.status == "error"]
    assert {t.visibility for t in raised} >= {"visible", "hidden"} or len(raised) >= 2
    for test in raised:
        assert test.mistake == "dx_variable_off"
        assert test.hint.startswith("Your code runs and gives the right dx with `W_out` changed to `H_out` in the "
                                    "line `for i in range(W_out):`")
        assert "ValueError" in test.output          # what happened is still shown beside it


def test_an_exception_with_a_reading_keeps_it_and_none_is_claimed_without_a_fix(mutant):
    # A name used before it is defined has its own reading; a forward that raises for a reason no one
    # change of it removes keeps the bare exception.
    named = grade(mutant("layers2", POOL_LOOPS, POOL_LOOPS.replace("range(dout.shape[3])", "range(W_out)")), seed=1)
    assert {t.mistake for t in named.tests if t.function == "max_pool_backward_naive" and t.status == "error"} \
        == {"name_error"}
    broken = grade(mutant("layers2", POOL_LOOPS, POOL_LOOPS + "\n            raise IndexError"), seed=1)
    raised = [t for t in broken.tests if t.function == "max_pool_backward_naive" and t.status == "error"]
    assert raised and {t.mistake for t in raised} == {"exception"} and not any(t.hint for t in raised)


def test_sizes_are_swapped_with_their_counterparts_only():
    definition = code_fixes._parsed(textwrap.dedent("""
        def f(x, pool_param):
            N, C, H, W = x.shape
            pool_height, pool_width = pool_param["pool_height"], pool_param["pool_width"]
            HH, WW = 1 + (H - pool_height) // 2, 1 + (W - pool_width) // 2
            for r in range(HH):
                for c in range(WW):
                    pass
            return x
    """))["f"]
    assert code_fixes._counterparts(definition) == {
        "H": {"W"}, "W": {"H"}, "HH": {"WW"}, "WW": {"HH"}, "pool_height": {"pool_width"},
        "pool_width": {"pool_height"}, "r": {"c"}, "c": {"r"}}


def test_the_lines_an_exception_went_through_are_searched_first():
    source = textwrap.dedent("""
        import numpy as np

        def backward(dout, cache):
            x, w = cache
            scale = x.shape[0]
            n = w.shape[1]
            dw = x.T @ dout / scale
            dx = dout @ w.T[:n]
            return dx, dw
    """)
    # the line that raised (9), then what it reads from an earlier line (n = ..., line 7)
    fixes = code_fixes.fixes(source, ["backward"], "submission", raised_at=(9,))
    lines = [f.line for f in fixes]
    first_other = next(k for k, line in enumerate(lines) if not line.startswith(("dx =", "n =")))
    assert lines[0].startswith("dx =") and "n = w.shape[1]" in lines[:first_other]
    assert all(line.startswith(("dx =", "n =")) for line in lines[:first_other])
    assert [fix.feeds for fix in fixes if fix.line.startswith("n =")][0] == (0,)    # n feeds dx, the first result
    assert [fix.feeds for fix in fixes if fix.line.startswith("scale")][0] == (1,)


def test_a_hidden_tracebacks_lines_are_read_from_its_text():
    from grader.checks.common import raised_at
    from grader.runner.calls import Outcome
    trace = ('  File "layers2.py", line 12\n    x = y\n  File "layers2.py", line 30\n    z = w[9]\n'
             "IndexError (the message of an exception in a hidden check is not shown)")
    assert raised_at(Outcome("error", error={"traceback": trace, "lines": []})) == (12, 30)
    assert raised_at(Outcome("error", error={"traceback": trace, "lines": [4, 5]})) == (4, 5)


def test_a_fix_holds_on_every_public_case(tanh_course, tmp_path):
    # A second draw has the failing case's configuration; a change right there only (x for x_pad,
    # where pad is 0; a term that vanishes where N is 1) is no fix: every public main case is tried too.
    submission = tmp_path / "tanh.py"
    submission.write_text(textwrap.dedent(COSH_BACKWARD.format(power=2)))      # right everywhere
    ctx, cases, oracle = _context(tanh_course, submission)
    ctx.public_main = list(cases)
    fix = next(f for f in code_fixes.fixes(ctx.source, ["tanh_backward"], "submission") if f.after == "3")
    assert not checks_code_fixes._keeps_right(ctx, fix, True, besides=cases[0])
    same = code_fixes.Fix("tanh_backward", "factor_off", "", "", "", "", False,
                          "def tanh_backward(dout, cache):\n    return dout * (1 - np.tanh(cache) ** 2)\n")
    assert checks_code_fixes._keeps_right(ctx, same, True, besides=cases[0])
    # where their own code is wrong, the fix must make the diagnosed result right there too
    submission.write_text(textwrap.dedent(COSH_BACKWARD.format(power=4)))
    ctx, cases, oracle = _context(tanh_course, submission)
    ctx.public_main = list(cases)
    assert checks_code_fixes._keeps_right(ctx, same, True, besides=cases[0], position=0)
    assert not checks_code_fixes._keeps_right(ctx, fix, True, besides=cases[0], position=0)


def test_a_row_and_a_column_index_in_each_others_place_are_exchanged_in_one_change():
    source = textwrap.dedent("""
        import numpy as np

        def forward(x, H_out, W_out):
            out = np.zeros((H_out, W_out))
            for i in range(H_out):
                for j in range(W_out):
                    out[j, i] = x[i, j]
            return out
    """)
    exchanged = [f for f in code_fixes.fixes(source, ["forward"], "submission") if f.kind == "transpose_off"
                 and f.after == "out[i, j]"]
    assert exchanged and exchanged[0].before == "out[j, i]" and exchanged[0].line == "out[j, i] = x[i, j]"


def test_a_small_integer_type_that_wraps_is_widened(mutant):
    # A count of positive margins kept in np.int8 wraps past 127: right on few classes, wrong on the
    # hidden case of 250 (about 190 positive margins a row). The fix widens the type on their line.
    report = grade(mutant("svm", "    positive = (margins > 0).astype(x.dtype)\n",
                          "    positive = (margins > 0).astype(np.int8)\n"), assignment="svm", seed=1)
    failed = _failed(report, "svm_loss")
    assert failed and all(t.visibility == "hidden" and t.mistake == "dx_dtype_off" for t in failed)
    assert "`np.int8` changed to `np.int64` in the line `positive = (margins > 0).astype(np.int8)`" in failed[0].hint
    assert "wraps around" in failed[0].hint


def test_only_a_small_number_type_is_widened():
    source = textwrap.dedent('''
        import numpy as np
        def f(x):
            a = np.zeros(x.shape, dtype=np.uint8)
            b = x.astype('int16')
            c = x.astype(np.int64)
            d = x.astype(np.float32)
            return a + b + c + d
    ''')
    widened = {(fix.before, fix.after) for fix in code_fixes.fixes(source, ["f"], "f.py") if fix.kind == "dtype_off"}
    assert widened == {("np.uint8", "np.int64"), ("'int16'", "'int64'")}


def test_a_fix_right_only_where_an_index_wraps_round_is_not_shown(tmp_path):
    # Round 19: a max-pool index int((h - pool_height) / stride + 1) with + 1 changed to - 1 is right
    # on the failing case, its second draw and both public main cases (negative indices wrap round to
    # the right place where the input is twice the pool), and wrong on the 3 x 1 pool edge case: a fix
    # must hold on the public edge cases too.
    corpus = Path(__file__).resolve().parents[1] / "corpus_held_out" / "buggy"
    submission = tmp_path / "layers2.py"
    submission.write_text((corpus / "layers2_max_pool_output_index_from_size_formula_on_window_start.py").read_text())
    report = grade(submission, seed=1)
    pool = [t for t in report.tests if t.function.startswith("max_pool") and t.status != "passed"]
    assert pool, "the bug is caught"
    assert not [t.hint for t in pool if t.hint and t.hint.startswith("Your code")]


def test_a_fix_right_on_every_public_case_but_wrong_on_the_mirrored_one_is_not_shown(tmp_path):
    # Round 19: a conv output index 1 + (width + 2 * pad - WW) / stride told to use HH was right on the
    # failing hidden case (a 1 x 2 kernel at pad 0), its second draw and every public case; on the same
    # case with its axes exchanged (Exercise.mirror: a 2 x 1 kernel) it is wrong, so it is not shown.
    from grader.checks.common import mirrored_case
    corpus = Path(__file__).resolve().parents[1] / "corpus_held_out" / "buggy"
    submission = tmp_path / "layers2.py"
    submission.write_text((corpus / "layers2_conv_output_index_from_size_formula_on_window_start.py").read_text())
    report = grade(submission, seed=1)
    conv = [t for t in report.tests if t.function.startswith("conv") and t.status != "passed"]
    assert conv, "the bug is caught"
    assert not [t.hint for t in conv if t.hint and "changed to `HH`" in t.hint]
    # the mirror exchanges H with W and HH with WW; a square case is its own, and has none
    root = Path(__file__).resolve().parents[2]
    exercise = next(e for e in catalogue(root).exercises() if e.name == "conv")
    course = find_course(root)
    oracle = oracle_for([exercise.assignment], course)
    cases = public_cases(exercise, oracle, course.exercises_dir)
    ctx = Context(runner=None, oracle=oracle, exercise=exercise)
    wide = next(c for c in cases.edge if c["w"].shape[2] != c["w"].shape[3])
    mirrored = mirrored_case(ctx, wide)
    assert mirrored["x"].shape == wide["x"].shape[:2] + wide["x"].shape[:1:-1]
    assert mirrored["w"].shape[2:] == wide["w"].shape[:1:-1]
    assert mirrored_case(ctx, cases.main[0]) is None


def test_a_window_with_its_extents_exchanged_is_fixed_in_one_change():
    # Round 20: dw += dout * x_pad[i, :, h:h + ww, w:w + hh], the kernel's sizes in each other's place.
    source = textwrap.dedent("""
        import numpy as np

        def backward(x_pad, w, H_out, W_out):
            F, C, hh, ww = w.shape
            dw = np.zeros_like(w)
            for i in range(H_out):
                for j in range(W_out):
                    dw[0] += x_pad[0, :, i:i + ww, j:j + hh]
            return dw
    """)
    exchanged = [f for f in code_fixes.fixes(source, ["backward"], "submission")
                 if f.after and "i + hh" in f.after and "j + ww" in f.after]
    assert exchanged and exchanged[0].kind == "variable_off"


def test_a_list_of_index_sequences_is_made_a_tuple_and_named(mutant):
    # Rounds 15 and 20: correct = [range(N), y], then x[correct]: NumPy reads the list as one index
    # into the rows. The broadcast error downstream reads nothing of why; the fix names it.
    report = grade(mutant("svm", "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)\n",
                          "    index = [rows, y]\n    margins = np.maximum(0.0, x - x[index].reshape(-1, 1) + 1.0)\n"),
                   assignment="svm", seed=1)
    raised = [t for t in report.tests if t.function == "svm_loss" and t.status == "error"]
    assert raised and raised[0].mistake == "index_not_tuple_or_int"
    assert "`[rows, y]` changed to `(rows, y)`" in raised[0].hint and "tuple" in raised[0].hint
    # a list that is no index is left alone
    source = "import numpy as np\ndef f(x, y):\n    sizes = [x, y]\n    return np.concatenate(sizes)\n"
    assert not [f for f in code_fixes.fixes(source, ["f"], "f.py") if f.undoes]


def test_a_mask_flattened_where_its_own_shape_belongs_is_fixed_by_leaving_the_reshape_out(mutant):
    # Round 21: a relu mask from x.reshape(N, -1) indexing dout raises on x of three axes or more.
    report = grade(mutant("layers", "    dx = (x > 0) * dout\n",
                          "    dx = dout.copy()\n    dx[x.reshape((x.shape[0], -1)) <= 0] = 0\n"),
                   assignment="layers", seed=1)
    raised = [t for t in report.tests if t.function == "relu_backward" and t.status == "error"]
    assert raised and raised[0].mistake == "dx_operation_off"
    assert "changed to `x`" in raised[0].hint and "lines up with the one it meets" in raised[0].hint


def test_affine_forward_is_checked_on_an_input_of_five_axes(mutant):
    # Round 21: a forward with a branch per number of axes, up to four, left the rows unset on five.
    branches = ("    if x.ndim == 2:\n        x_flat = x\n    elif x.ndim in (3, 4):\n"
                "        x_flat = x.reshape(x.shape[0], w.shape[0])\n")
    report = grade(mutant("layers", "    x_flat = x.reshape(x.shape[0], w.shape[0])\n    out =", branches + "    out ="),
                   assignment="layers", seed=1)
    failed = [t for t in report.tests if t.function == "affine_forward" and t.status != "passed"]
    assert failed and all(t.visibility == "hidden" for t in failed) and "x (2, 2, 1, 3, 2)" in failed[0].output


def test_a_number_written_where_a_parameter_belongs_is_fixed_and_named(mutant):
    # Round 22: x padded by one where conv_param's pad belongs: right for pad = 1 only.
    report = grade(mutant("layers2", "    x_pad = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))\n    dx_pad",
                          "    x_pad = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))\n    dx_pad"),
                   assignment="layers2", seed=1)
    wrong = _failed(report, "conv_backward_naive")
    assert wrong and all(t.mistake == "hardcoded_shape" for t in wrong)
    assert "`((0, 0), (0, 0), (1, 1), (1, 1))` changed to `((0, 0), (0, 0), (pad, pad), (pad, pad))`" in wrong[0].hint
    assert "A number written where a parameter belongs" in wrong[0].hint


def test_a_parameter_is_put_only_where_a_number_is_written_outside_indices_axes_and_shapes():
    source = textwrap.dedent("""
        import numpy as np

        def backward(dout, cache):
            x, conv_param = cache['x'], cache['conv_param']
            stride, pad = conv_param['stride'], conv_param.get('pad', 0)
            out = np.zeros((x.shape[0], 2))
            for i in range(0, x.shape[1], 2):
                out[:, 1] += np.sum(x[:, i:i + 2] * 3, axis=1)
            return np.pad(out, ((0, 0), (1, 1))), x.shape[1]
    """)
    edits = {(f.before, f.after) for f in code_fixes.fixes(source, ["backward"], "submission")
             if f.undoes == "hardcoded_shape" and f.advice == code_fixes.PARAMETER_ADVICE}
    # x is an array (indexed, its shape read): never put for a number; an index, an axis, a shape, a
    # loop's range keep theirs
    assert edits == {("((0, 0), (1, 1))", "((0, 0), (pad, pad))"), ("((0, 0), (1, 1))", "((0, 0), (stride, stride))"),
                     ("2", "pad"), ("2", "stride"), ("3", "pad"), ("3", "stride")}
    without = "import numpy as np\ndef f(x):\n    return np.pad(x, (1, 1))\n"
    assert not [f for f in code_fixes.fixes(without, ["f"], "f.py") if f.undoes]


def test_a_size_written_as_a_number_is_fixed_with_an_inputs_size_and_named(write):
    # Round 25: the classes of an svm made np.arange(10), which fits C = 10 only; it raised on C = 4.
    # (the sizes put for it are those the function reads: x.shape[0] and x.shape[1] here)
    source = REFERENCE_SVM.read_text().replace(
        "    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)\n",
        "    classes = np.zeros(x.shape, dtype=int)\n    classes[:] = np.arange(10)\n"
        "    labels = np.repeat(y, x.shape[1]).reshape(x.shape)\n"
        "    margins = np.maximum(0.0, x - x[classes == labels][:, None] + 1.0)\n")
    report = grade(write(source), assignment="svm", seed=1)
    raised = [t for t in report.tests if t.function == "svm_loss" and t.check == "loss" and t.status == "error"]
    assert raised and raised[0].mistake == "hardcoded_shape"
    assert "`10` changed to `x.shape[1]`" in raised[0].hint and "A size written as a number" in raised[0].hint


def test_an_inputs_size_is_put_only_where_a_number_is_a_size_and_only_one_the_function_reads():
    source = textwrap.dedent("""
        import numpy as np

        def f(x, y, seed):
            N, D = x.shape
            out = np.zeros((N, 4)) + np.full(3, 7.0)
            for i in range(1, 5, 2):
                out[:, 1] += np.tile(x[:, 2], 3)[:N] * 6
            return out + np.arange(y.shape[0])[:, None]
    """)
    edits = {(f.before, f.after) for f in code_fixes.fixes(source, ["f"], "f.py")
             if f.advice == code_fixes.SIZE_ADVICE}
    sizes = ("x.shape[0]", "x.shape[1]", "y.shape[0]")
    # a shape's item, np.full's shape, a range's stop, a tile's count; not a start, a step, a fill value,
    # an index or a factor; and only the sizes the function reads of its own parameters (not seed's)
    assert edits == {(n, size) for n in ("4", "3", "5") for size in sizes}
    assert all(f.undoes == "hardcoded_shape" for f in code_fixes.fixes(source, ["f"], "f.py")
               if f.advice == code_fixes.SIZE_ADVICE)


SVM_BODY = '''    n = x.shape[0]
    rows = np.arange(n)
    margins = np.maximum(0.0, x - x[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    loss = margins.sum() / n
    positive = (margins > 0).astype(x.dtype)
    positive[rows, y] = -positive.sum(axis=1)     # the correct score is in every positive margin
    return loss, positive / n
'''
# The count of positive margins subtracted inside the loop over classes (round 24): a running count
# subtracted once per class. `+=` made `=` gives the right dx; what it is told must fit that direction.
SVM_COUNT_IN_CLASS_LOOP = '''    n, c = x.shape
    loss, dx = 0.0, np.zeros_like(x)
    for i in range(n):
        count = 0
        for j in range(c):
            if j == y[i]:
                continue
            margin = x[i, j] - x[i, y[i]] + 1.0
            if margin > 0:
                loss += margin
                dx[i, j] += 1.0
                count += 1
            dx[i, y[i]] += -count
    return loss / n, dx / n
'''


def test_a_students_plus_equals_made_equals_is_told_it_adds_where_it_should_set(mutant):
    report = grade(mutant("svm", SVM_BODY, SVM_COUNT_IN_CLASS_LOOP), assignment="svm", seed=1)
    hints = [t.hint or "" for t in report.tests if t.function == "svm_loss" and t.status != "passed"]
    fixed = [hint for hint in hints if "changed to `dx[i, y[i]] = -count`" in hint]
    assert fixed, hints
    assert all(code_fixes.ADDS_ADVICE in hint and "+=, not =" not in hint for hint in fixed)


POOL_FIRST_MAX = """            window = x[:, :, rows, cols]
            is_max = window == window.max(axis=(2, 3), keepdims=True)
            # at a tie, the first maximum alone takes the gradient (any split is a valid subgradient)
            first = is_max & (np.cumsum(is_max.reshape(*is_max.shape[:2], -1), axis=2).reshape(is_max.shape) == 1)
            dx[:, :, rows, cols] += first * dout[:, :, i:i + 1, j:j + 1]
"""


def _pool_unravelled(row_size: str, col_size: str) -> str:
    return ("            k = np.argmax(x[:, :, rows, cols].reshape(*x.shape[:2], -1), axis=2)\n"
            f"            r, q = k // {row_size}, k % {col_size}\n"
            "            n, ch = np.ogrid[:x.shape[0], :x.shape[1]]\n"
            "            dx[n, ch, i * stride + r, j * stride + q] += dout[:, :, i, j]\n")


def test_a_flat_index_unravelled_with_the_wrong_size_in_row_and_column_is_fixed_in_both(mutant):
    # Round 24: row k // pool_height and column k % pool_height, where pool_width belongs in both; the
    # swap at one place leaves the other wrong, and the swap everywhere changes the window too.
    report = grade(mutant("layers2", POOL_FIRST_MAX, _pool_unravelled("ph", "ph")), assignment="layers2", seed=1)
    wrong = [t for t in report.tests if t.function == "max_pool_backward_naive" and t.status != "passed"]
    assert wrong and all(t.mistake == "dx_variable_off" for t in wrong), [(t.mistake, t.hint) for t in wrong]
    assert "`ph` changed to `pw` in the lines `r, q = k // ph, k % ph`" in wrong[0].hint
    assert "everywhere" not in wrong[0].hint


def test_a_flat_index_is_changed_in_both_places_only_where_a_division_and_a_remainder_share_it():
    source = textwrap.dedent("""
        def f(x, k, m):
            H, W = x.shape
            a = k // H
            b = k % H
            c = m // W
            d = k % W
            return a + b + c + d
    """)
    both = [fix for fix in code_fixes.fixes(source, ["f"], "submission") if fix.sites and not fix.exchanged]
    # k // H and k % H share k and H; m // W and k % W share neither
    assert [(fix.before, fix.after, fix.sites) for fix in both] == [("H", "W", ("a = k // H", "b = k % H"))]


# Round 25: the reference's max_pool_forward_naive body, rewritten as students wrote it.
POOL_BODY = ('''    ph, pw, stride = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
    n, c, h, w = x.shape
    out = np.empty((n, c, _output_size(h, ph, stride), _output_size(w, pw, stride)))
    for i in range(out.shape[2]):
        for j in range(out.shape[3]):
            out[:, :, i, j] = x[:, :, i * stride:i * stride + ph, j * stride:j * stride + pw].max(axis=(2, 3))
''')

POOL_STUDENT = '''    pool_height = pool_param['pool_height']
    pool_width = pool_param['{width_key}']
    stride = pool_param['stride']
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_height) // stride
    W_out = 1 + (W - pool_width) // stride
    out = np.zeros((N, C, H_out, W_out))
    for n in range(N):
        for row in range({rows}):
            for col in range({cols}):
                r1, r2 = row * stride, row * stride + {row_extent}
                c1, c2 = col * stride, col * stride + {col_extent}
                out[n, :, row, col] = np.max(x[n, :, r1:r2, c1:c2], axis=(1, 2))
'''


def _pool_student(**changed) -> str:
    fields = {"width_key": "pool_width", "rows": "H_out", "cols": "W_out", "row_extent": "pool_height",
              "col_extent": "pool_width", **changed}
    return POOL_STUDENT.format(**fields)


def _pool_findings(mutant, **changed):
    report = grade(mutant("layers2", POOL_BODY, _pool_student(**changed)), assignment="layers2", seed=1)
    return [t for t in report.tests if t.function == "max_pool_forward_naive" and t.status in ("failed", "error")]


def test_the_students_pool_rewrite_is_right_as_written(mutant):
    assert not _pool_findings(mutant)


def test_two_loops_bounds_exchanged_are_fixed_by_exchanging_them(mutant):
    # Round 25: the rows' loop bounded by W_out and the columns' by H_out: an index past out's edge.
    found = _pool_findings(mutant, rows="W_out", cols="H_out")
    assert found and all(t.mistake == "out_variable_off" for t in found)
    assert "`H_out` and `W_out` exchanged in the lines `for row in range(W_out):` and `for col in range(H_out):`" \
        in found[0].hint
    assert "runs and gives the right out" in found[0].hint


def test_window_extents_exchanged_in_two_lines_are_fixed_by_exchanging_them(mutant):
    # Round 25: r2 = row * stride + pool_width and c2 = col * stride + pool_height, on two lines.
    found = _pool_findings(mutant, row_extent="pool_width", col_extent="pool_height")
    assert found and all(t.mistake == "out_variable_off" for t in found)
    assert "`pool_height` and `pool_width` exchanged in the lines `r1, r2 = row * stride, row * stride + " \
           "pool_width` and `c1, c2 = col * stride, col * stride + pool_height`" in found[0].hint


def test_one_size_for_both_extents_is_not_told_an_exchange(mutant):
    # The same symptom (a wrong window on a pool that is not square), another mistake: both extents
    # pool_width. No exchange makes it right; a swap at one place (pool_height for pool_width) does.
    found = _pool_findings(mutant, row_extent="pool_width")
    assert found and not any("exchanged" in (t.hint or "") for t in found)


def test_a_key_read_for_its_counterpart_is_fixed_on_the_students_line(mutant):
    # Round 25: pool_width = pool_param['pool_height']: windows and output width from the pool's height.
    # On a case whose stride is the pool's height its windows are also stride x stride: the declared
    # pool_window_size_is_stride must not claim that cause there.
    found = _pool_findings(mutant, width_key="pool_height")
    assert found and all(t.mistake == "out_variable_off" for t in found)
    assert "`'pool_height'` changed to `'pool_width'` in the line `pool_width = pool_param['pool_height']`" \
        in found[0].hint


def test_pair_swaps_exchange_only_places_written_alike():
    source = textwrap.dedent("""
        import numpy as np

        def pool(x, pool_param):
            pool_height, pool_width = pool_param['pool_height'], pool_param['pool_width']
            H_out, W_out = x.shape[0] - pool_height + 1, x.shape[1] - pool_width + 1
            out = np.zeros((H_out, W_out))
            for i in range(W_out):
                for j in range(H_out):
                    out[i, j] = x[i:i + pool_height, j:j + pool_width].max()
            return out
    """)
    pairs = {(f.before, f.after, f.sites) for f in code_fixes.fixes(source, ["pool"], "submission") if f.exchanged}
    assert ("H_out", "W_out", ("for i in range(W_out):", "for j in range(H_out):")) in pairs
    # np.zeros((H_out, W_out)) holds them in two different places of one tuple: no pair there
    assert not any("out = np.zeros" in site for _, _, sites in pairs for site in sites)


def test_a_key_is_swapped_only_for_a_counterpart_the_function_never_reads():
    def key_swaps(source):
        return {(f.before, f.after) for f in code_fixes.fixes(source, ["f"], "f.py")
                if f.before.startswith("'pool_") and (f.after or "").startswith("'pool_")}
    assert not key_swaps("def f(p):\n    return p['pool_height'] * p['pool_width']\n")
    assert key_swaps("def f(p):\n    return p['pool_height'] * p['pool_height']\n") == \
        {("'pool_height'", "'pool_width'")}


def test_a_wrong_shaped_gradient_gets_a_fix_of_the_students_code(mutant):
    # Round 25: dx cropped from 1 where pad belongs, dx_pad[:, :, 1:H - pad, 1:W - pad] (H, W padded):
    # right for pad = 1 only, and of the wrong shape elsewhere.
    report = grade(mutant("layers2", "    dx = dx_pad[:, :, pad:pad + height, pad:pad + width]",
                          "    dx = dx_pad[:, :, 1:height + 2 * pad - pad, 1:width + 2 * pad - pad]"),
                   assignment="layers2", seed=1)
    wrong = _failed(report, "conv_backward_naive")
    assert wrong and wrong[0].output.startswith("dx has shape")
    assert wrong[0].mistake == "hardcoded_shape"
    assert "`1` changed to `pad` everywhere it appears in conv_backward_naive" in wrong[0].hint
    assert "A number written where a parameter belongs" in wrong[0].hint


SVM_DX = "    positive = (margins > 0).astype(x.dtype)\n    positive[rows, y] = -positive.sum(axis=1)     # the correct " \
         "score is in every positive margin\n    return loss, positive / n"


def test_a_new_arrays_whole_shape_written_as_numbers_is_made_the_inputs_shape(mutant):
    # Round 26: dx built in np.zeros((500, 10)) (one data set's N and C): x.shape for the tuple, one edit.
    literal = "    positive = np.zeros((500, 10))\n    positive[:n, :x.shape[1]] = margins > 0\n" \
              "    positive[rows, y] = -positive[:n].sum(axis=1)\n    return loss, positive / n"
    report = grade(mutant("svm", SVM_DX, literal), assignment="svm", seed=1)
    wrong = _failed(report, "svm_loss")
    gradient = [t for t in wrong if t.check == "gradient"]
    assert gradient and all(t.mistake == "hardcoded_shape" for t in gradient)
    assert "`(500, 10)` changed to `x.shape`" in gradient[0].hint
    # The kink check names the function that returned the wrong shape (a loss has no backward).
    kink = [t for t in wrong if t.check == "convention at kinks"]
    assert kink and kink[0].output.startswith("svm_loss returned") and "x's shape" in kink[0].hint
    # The same array with another mistake in it: x.shape alone does not make it right, so no such fix.
    off = grade(mutant("svm", SVM_DX, literal.replace("].sum(axis=1)", "].sum(axis=1) - 1.0")), assignment="svm",
                seed=1)
    assert not any("`x.shape`" in (t.hint or "") for t in _failed(off, "svm_loss"))
