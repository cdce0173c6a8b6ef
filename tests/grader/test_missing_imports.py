"""Real CS231n files import what the grader does not have: `from .fast_layers import *`, `from
cs231n.im2col import *`, scipy, a typo. Graded for real (sandboxed workers): a missing import costs
only the functions that use it, with a message naming it; a zip of the student's whole cs231n/
package grades with its relative imports working. The missing module here is `nosuchscipy`: the
real scipy may well be installed where the tests run (it then grades as any module does)."""
from __future__ import annotations

import sys
import zipfile
import importlib.util
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from grader.engine import grade
from grader.runner.calls import Call
from grader.runner.inprocess import InProcessRunner

assert importlib.util.find_spec("nosuchscipy") is None, "the module these tests import must not exist"

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = (ROOT / "reference/layers2/layers2.py").read_text()
OUTPUT_SIZE = REFERENCE[REFERENCE.index("def _output_size"):REFERENCE.index("def conv_forward_naive")]
# Functions that call _output_size (the helper the package tests move to a file of their own).
USES_OUTPUT_SIZE = {"conv_forward_naive", "conv_backward_naive", "max_pool_forward_naive", "max_pool_backward_naive"}
CS231N_HEADER = "from builtins import range\nimport numpy as np\nfrom .fast_layers import *\nfrom cs231n.im2col import *\n"


def _failing(report) -> dict[str, set[str]]:
    """{function: {mistake ids}} of the tests that did not pass."""
    failing: dict[str, set[str]] = {}
    for test in report.tests:
        if test.status != "passed":
            failing.setdefault(test.function, set()).add(test.mistake)
    return failing


def _without_output_size(imports: str) -> str:
    """The reference with _output_size imported from elsewhere by `imports`."""
    return imports + REFERENCE.replace(OUTPUT_SIZE, "")


def test_unused_imports_the_grader_lacks_cost_nothing(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text("import nosuchscipy\nimport nosuchscipy.signal\nfrom nosuchscipy.ndimage import convolve as conv2\n"
                    "import torchh as torch\n" + CS231N_HEADER + REFERENCE)
    report = grade(path, assignment="layers2")
    assert report.tests and report.score == report.max_score, _failing(report)


def test_a_missing_import_fails_only_the_functions_that_use_it(tmp_path):
    path = tmp_path / "layers.py"
    source = "import nosuchscipy.signal\n" + REFERENCE.replace(
        "    stride, pad = conv_param[\"stride\"], conv_param[\"pad\"]\n",
        "    stride, pad = conv_param[\"stride\"], conv_param[\"pad\"]\n"
        "    check = nosuchscipy.signal.correlate(x[0, 0], w[0, 0], mode='valid')\n", 1)
    assert source.count("nosuchscipy.signal.correlate") == 1
    path.write_text(source)
    report = grade(path, assignment="layers2")
    failing = _failing(report)
    assert set(failing) == {"conv_forward_naive", "conv_backward_naive"}, failing
    forward = [t for t in report.tests if t.function == "conv_forward_naive"]
    assert all(t.mistake == "module_not_found" for t in forward)
    for test in forward:   # named on the hidden checks too, where the exception's message is withheld
        assert "conv_forward_naive uses `nosuchscipy`" in test.hint and "remove that import" in test.hint
    visible = next(t for t in forward if t.visibility == "visible")
    assert "your file imports `nosuchscipy`, which the grader does not have" in visible.output
    assert "`nosuchscipy.signal.correlate` was used" in visible.output
    graded = {t.function for t in report.tests if t.status == "passed"}
    assert {"layernorm_forward", "dropout_forward", "max_pool_backward_naive"} <= graded


def test_a_missing_file_of_the_students_package_is_named_as_they_import_it(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text(_without_output_size("import numpy as np\nfrom .conv_shapes import _output_size\n"))
    report = grade(path, assignment="layers2")
    assert set(_failing(report)) == USES_OUTPUT_SIZE, _failing(report)
    for test in (t for t in report.tests if t.function == "max_pool_forward_naive"):
        assert "max_pool_forward_naive uses `.conv_shapes`" in test.hint, test.hint


def _package(tmp_path: Path, init: bool, folder: str = "assignment2/cs231n") -> Path:
    """A zip of a student's whole cs231n/ folder, as they submit it: layers.py imports its
    neighbours relatively and absolutely, fast_layers.py falls back when its Cython extension is
    missing (only .py files are zipped), and classifiers/ is a subpackage. Without `init`, cs231n/
    has no __init__.py (Python 3 needs none)."""
    archive = tmp_path / "assignment2.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        if init:
            bundle.writestr(f"{folder}/__init__.py", "")
        bundle.writestr(f"{folder}/layers.py", _without_output_size(
            CS231N_HEADER + "from .conv_shapes import _output_size\n"
            "from cs231n.classifiers.helpers import eps_of\n"))
        bundle.writestr(f"{folder}/conv_shapes.py", "from builtins import range\n\n\n" + OUTPUT_SIZE)
        bundle.writestr(f"{folder}/im2col.py", "import numpy as np\n\n\ndef get_im2col_indices(x_shape):\n"
                                               "    return np.arange(int(np.prod(x_shape)))\n")
        bundle.writestr(f"{folder}/fast_layers.py",
                        "from __future__ import print_function\nimport numpy as np\ntry:\n"
                        "    from cs231n.im2col_cython import col2im_cython, im2col_cython\n"
                        "except ImportError:\n    print('run the following from the cs231n directory: "
                        "python setup.py build_ext --inplace')\nfrom cs231n.im2col import *\n")
        bundle.writestr(f"{folder}/classifiers/__init__.py", "")
        bundle.writestr(f"{folder}/classifiers/helpers.py", "def eps_of(param):\n    return param.get('eps', 1e-5)\n")
        bundle.writestr(f"{folder}/data_utils.py", "from imageio import imread\nimport platform\n")
    return archive


@pytest.mark.parametrize("init", [True, False], ids=["package", "namespace package"])
def test_a_zip_of_the_whole_package_grades_with_its_relative_imports(tmp_path, init):
    report = grade(_package(tmp_path, init), assignment="layers2")
    assert report.tests and report.score == report.max_score, _failing(report)
    assert "graded assignment2/cs231n/layers.py" in " ".join(report.notes)


def test_the_students_own_fallback_for_a_missing_import_is_kept(tmp_path):
    """`try: import X / except ImportError:` is the student's own handling: it runs as written."""
    path = tmp_path / "layers.py"
    path.write_text("try:\n    import nosuchscipy.special as special\n    HAVE_SCIPY = True\n"
                    "except ImportError:\n    special = None\n    HAVE_SCIPY = False\n" + REFERENCE.replace(
                        "def layernorm_forward(x, gamma, beta, ln_param):\n",
                        "def layernorm_forward(x, gamma, beta, ln_param):\n"
                        "    assert special is None and not HAVE_SCIPY\n", 1))
    report = grade(path, assignment="layers2", public_only=True)
    assert report.tests and report.score == report.max_score, _failing(report)


def test_a_decorator_from_a_missing_module_fails_the_decorated_function_only(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text("from numba import jit\n" + REFERENCE.replace(
        "def layernorm_backward(", "@jit(nopython=True)\ndef layernorm_backward(", 1))
    report = grade(path, assignment="layers2", public_only=True)
    assert set(_failing(report)) == {"layernorm_backward"}, _failing(report)
    [first, *_] = [t for t in report.tests if t.function == "layernorm_backward"]
    assert "your file imports `numba`" in first.output and "`numba.jit` was used" in first.output


def test_a_missing_module_used_while_importing_is_reported_at_that_line(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text("import numpy as np\nimport nosuchscipy\nTWO_PI = 2 * nosuchscipy.pi\n" + REFERENCE)
    report = grade(path, assignment="layers2", public_only=True)
    assert report.score == 0
    assert all("your file imports `nosuchscipy`" in t.output and "line 3" in t.output for t in report.tests)


def test_a_forged_module_name_is_not_repeated_on_hidden_checks(tmp_path):
    """A ModuleNotFoundError the student raises names whatever they like: on a hidden check the hint
    names a module only when the file's own import statements do."""
    path = tmp_path / "layers.py"
    path.write_text(REFERENCE.replace(
        "def layernorm_forward(x, gamma, beta, ln_param):\n",
        "def layernorm_forward(x, gamma, beta, ln_param):\n"
        "    raise ModuleNotFoundError('no', name='x' + str(x.shape[0]) + '_' + str(x.shape[1]))\n", 1))
    report = grade(path, assignment="layers2")
    hidden = [t for t in report.tests if t.function == "layernorm_forward" and t.visibility == "hidden"]
    visible = [t for t in report.tests if t.function == "layernorm_forward" and t.visibility == "visible"]
    assert hidden and visible
    assert all(t.status == "error" and "uses `x" not in (t.hint or "") for t in hidden)
    assert any("uses `x" in (t.hint or "") for t in visible)   # the student's own public business


def test_in_process_grading_leaves_no_finder_behind(tmp_path):
    path = tmp_path / "layers.py"
    path.write_text("import nosuchscipy_typo\n\ndef double(x):\n    return 2 * x\n\n"
                    "def uses_it(x):\n    return nosuchscipy_typo.fft(x)\n")
    finders = list(sys.meta_path)
    with InProcessRunner(path) as runner:
        assert runner.load_error() is None
        double, used = runner.run([Call("double", (1.5,)), Call("uses_it", (1.5,))])
        assert sys.meta_path == finders
    assert double.ok and double.value == 3.0
    assert used.status == "error" and used.error["module"] == "nosuchscipy_typo"
    with pytest.raises(ModuleNotFoundError):
        __import__("nosuchscipy_typo")


def test_a_notebooks_imports_are_stood_in_for_too(tmp_path):
    path = tmp_path / "ConvolutionalNetworks.ipynb"
    cells = ["import numpy as np\nfrom cs231n.data_utils import get_CIFAR10_data\nfrom cs231n.layers import *\n"
             "import nosuchscipy.signal",
             REFERENCE.replace("def dropout_forward(x, dropout_param):\n",
                               "def dropout_forward(x, dropout_param):\n    nosuchscipy.signal.fftconvolve(x, x)\n", 1),
             "data = get_CIFAR10_data()"]
    nbformat.write(new_notebook(cells=[new_code_cell(c) for c in cells]), str(path))
    report = grade(path, assignment="layers2", public_only=True)
    assert set(_failing(report)) == {"dropout_forward", "dropout_backward"}, _failing(report)
    [first, *_] = [t for t in report.tests if t.function == "dropout_forward"]
    assert "your file imports `nosuchscipy`" in first.output and "cell 2, line" in first.output
