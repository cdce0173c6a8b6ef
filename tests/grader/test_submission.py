"""Reading a submission without running it: its source, the names it defines, and clear refusals."""
import ast
import textwrap

import pytest

from grader.submission import Submission, SubmissionError, defined_names, read_submission


def names(source: str) -> set[str]:
    return defined_names(ast.parse(textwrap.dedent(source)))


@pytest.mark.parametrize("source, expected", [
    ("def relu_forward(x):\n    return x, x\n", {"relu_forward"}),
    ("async def fetch():\n    pass\n", {"fetch"}),
    ("class Layer:\n    pass\n", {"Layer"}),
    ("@staticmethod\ndef decorated():\n    pass\n", {"decorated"}),
], ids=["def", "async def", "class", "decorated def"])
def test_definitions(source, expected):
    assert names(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("x = 1\n", {"x"}),
    ("relu_forward = lambda x: (max(x, 0), x)\n", {"relu_forward"}),
    ("a = b = 2\n", {"a", "b"}),
    ("a, (b, *c) = 1, (2, 3, 4)\n", {"a", "b", "c"}),
    ("[p, q] = [1, 2]\n", {"p", "q"}),
    ("eps: float = 1e-5\n", {"eps"}),
    ("affine_forward = reference_affine = None\n", {"affine_forward", "reference_affine"}),
], ids=["simple", "lambda", "chained", "nested unpacking", "list target", "annotated", "alias"])
def test_assignments(source, expected):
    assert names(source) == expected


@pytest.mark.parametrize("source, expected", [
    ("import numpy\n", {"numpy"}),
    ("import numpy as np\n", {"np"}),
    ("import os.path\n", {"os"}),
    ("import os.path as osp\n", {"osp"}),
    ("import math, sys as system\n", {"math", "system"}),
    ("from numpy import zeros, ones as o\n", {"zeros", "o"}),
    ("from helpers import relu_forward, relu_backward\n", {"relu_forward", "relu_backward"}),
    ("from . import sibling\n", {"sibling"}),
], ids=["import", "import as", "dotted import", "dotted import as", "several", "from import",
        "from import exercise functions", "relative"])
def test_imports(source, expected):
    assert names(source) == expected


@pytest.mark.parametrize("source", [
    "print('hello')\nrelu_forward\n",
    "def outer():\n    def inner():\n        pass\n    local = 1\n    import json\n",
    "class Layer:\n    attr = 1\n    def method(self):\n        pass\n",
    "if __name__ == '__main__':\n    def demo():\n        pass\n",
    "",
], ids=["expressions", "inside a function", "inside a class", "main guard", "empty"])
def test_names_not_bound_at_module_level_are_left_out(source):
    bound = names(source)
    assert bound <= {"outer", "Layer"}
    assert not bound & {"relu_forward", "inner", "local", "json", "attr", "method", "demo"}


def test_a_whole_module_mixes_every_kind():
    source = """
        '''My layers.'''
        import numpy as np
        from math import exp as e

        EPS = 1e-8
        cache: dict = {}


        def affine_forward(x, w, b):
            out = x.reshape(x.shape[0], -1) @ w + b
            return out, (x, w, b)


        class Helper:
            def relu_backward(self):
                pass


        if __name__ == "__main__":
            result = affine_forward(1, 2, 3)
    """
    assert names(source) == {"np", "e", "EPS", "cache", "affine_forward", "Helper"}


# ---------------------------------------------------------------------------------------------
# read_submission


def test_reads_source_and_names_without_running_it(write):
    source = "import numpy as np\n\nraise SystemExit('never run')\n\ndef relu_forward(x):\n    return x, x\n"
    path = write(source, name="mine.py")
    submission = read_submission(str(path))
    assert isinstance(submission, Submission)
    assert submission.path == path
    assert submission.source == source.encode()
    assert submission.defined == frozenset({"np", "relu_forward"})


def test_source_is_kept_as_exact_bytes(tmp_path):
    data = b"# -*- coding: latin-1 -*-\nNAME = '\xe9'\r\ndef relu_forward(x):\r\n    return x, x\r\n"
    path = tmp_path / "latin.py"
    path.write_bytes(data)
    submission = read_submission(path)
    assert submission.source == data
    assert submission.defined == {"NAME", "relu_forward"}


def test_missing_file(tmp_path):
    with pytest.raises(SubmissionError, match="no such file") as error:
        read_submission(tmp_path / "absent.py")
    assert "absent.py" in str(error.value)


def test_folder(tmp_path):
    folder = tmp_path / "folder.py"
    folder.mkdir()
    with pytest.raises(SubmissionError, match="is a folder"):
        read_submission(folder)


@pytest.mark.parametrize("name", ["layers.txt", "layers.ipynb", "layers.PY", "layers"])
def test_not_a_py_file(write, name):
    path = write("def relu_forward(x):\n    return x, x\n", name=name)
    with pytest.raises(SubmissionError, match=r"expected a Python file \(\.py\)"):
        read_submission(path)


@pytest.mark.parametrize("source, line, shown", [
    ("import numpy as np\n\ndef relu_forward(x:\n    return x, x\n", 3, "def relu_forward(x:"),
    ("x = 1\n  y = 2\n", 2, "y = 2"),
    ("def f():\n    return 'unclosed\n", 2, "return 'unclosed"),
], ids=["unclosed paren", "unexpected indent", "unterminated string"])
def test_syntax_error_names_file_and_line_and_shows_it(write, source, line, shown):
    path = write(source, name="typo.py")
    with pytest.raises(SubmissionError) as error:
        read_submission(path)
    message = str(error.value)
    assert message.startswith(f"typo.py, line {line}: syntax error")
    assert shown in message
    assert "^" in message
    assert "Fix this line" in message
    assert str(path.parent) not in message


@pytest.mark.parametrize("source, line", [
    ("import numpy as np\n\ndef relu_forward(x):\n    out = x\nreturn out, x\n", 5),
    ("def f(x, x):\n    return x\n", 1),
    ("for i in range(3):\n    pass\nbreak\n", 3),
], ids=["return outside function", "duplicate argument", "break outside loop"])
def test_errors_found_when_compiling_are_syntax_errors_too(write, source, line):
    """Python reports these only when compiling, but importing the file fails just the same."""
    path = write(source, name="typo.py")
    with pytest.raises(SubmissionError, match=f"typo.py, line {line}: syntax error"):
        read_submission(path)


def test_null_bytes_are_refused_with_a_readable_message(tmp_path):
    path = tmp_path / "binary.py"
    path.write_bytes(b"def relu_forward(x):\n    return x\x00\n")
    with pytest.raises(SubmissionError) as error:
        read_submission(path)
    message = str(error.value)
    assert "binary.py" in message
    assert "None" not in message


def test_undecodable_bytes_are_a_syntax_error(tmp_path):
    path = tmp_path / "bytes.py"
    path.write_bytes(b"x = '\xff'\n")
    with pytest.raises(SubmissionError, match="bytes.py, line 1"):
        read_submission(path)
