"""The student stubs match the reference API exactly, document their shapes, and raise."""

import importlib.util
import inspect
from pathlib import Path

import numpy as np
import pytest

import reference.gates.gates
import reference.layers.layers

ROOT = Path(__file__).resolve().parents[2]

# stub file -> the reference module it must mirror
PAIRS = {
    "exercises/gates/gates.py": reference.gates.gates,
    "exercises/layers/layers.py": reference.layers.layers,
}

# Plausible arguments for every public function, so each stub is called the way the grader calls it.
_x = np.arange(6.0).reshape(2, 3)
SAMPLE_ARGS = {
    "unbroadcast": (np.ones((2, 3)), (1, 3)),
    **{f"{g}_forward": (_x + 1.0, np.ones(3)) for g in ("add", "mul", "max", "pow")},
    **{f"{g}_backward": (np.ones((2, 3)), None) for g in ("add", "mul", "max", "pow", "exp", "sum")},
    "exp_forward": (_x,),
    "sum_forward": (_x, 1, True),
    "affine_forward": (np.ones((2, 2, 3)), np.ones((6, 4)), np.ones(4)),
    "affine_backward": (np.ones((2, 4)), None),
    "relu_forward": (_x,),
    "relu_backward": (_x, None),
    "sigmoid_forward": (_x,),
    "sigmoid_backward": (_x, None),
    "softmax_loss": (_x, np.array([0, 2])),
    "batchnorm_forward": (_x, np.ones(3), np.zeros(3), {"mode": "train"}),
    "batchnorm_backward": (_x, None),
}


def load_stub(relpath):
    path = ROOT / relpath
    name = "stub_" + relpath.replace("/", "_").removesuffix(".py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def public_functions(module):
    return {
        name: fn
        for name, fn in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and fn.__module__ == module.__name__
    }


STUB_FUNCTIONS = [
    pytest.param(relpath, name, id=f"{relpath}::{name}")
    for relpath, ref in PAIRS.items()
    for name in public_functions(ref)
]


@pytest.mark.parametrize("relpath", PAIRS)
def test_same_public_functions_as_reference(relpath):
    assert set(public_functions(load_stub(relpath))) == set(public_functions(PAIRS[relpath]))


@pytest.mark.parametrize("relpath", PAIRS)
def test_module_docstring(relpath):
    doc = load_stub(relpath).__doc__
    assert doc and doc.strip()


@pytest.mark.parametrize("relpath, name", STUB_FUNCTIONS)
def test_same_signature_as_reference(relpath, name):
    stub = getattr(load_stub(relpath), name)
    assert inspect.signature(stub) == inspect.signature(getattr(PAIRS[relpath], name))


@pytest.mark.parametrize("relpath, name", STUB_FUNCTIONS)
def test_docstring_mentions_shapes(relpath, name):
    doc = inspect.getdoc(getattr(load_stub(relpath), name))
    assert doc and "shape" in doc


@pytest.mark.parametrize("relpath, name", STUB_FUNCTIONS)
def test_raises_not_implemented(relpath, name):
    stub = getattr(load_stub(relpath), name)
    with pytest.raises(NotImplementedError, match=f"^{name}$"):
        stub(*SAMPLE_ARGS[name])


def test_no_init_in_exercises():
    assert not list((ROOT / "exercises").rglob("__init__.py"))
