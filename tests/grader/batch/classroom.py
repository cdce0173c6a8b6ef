"""A class of 50 submissions to grade as a batch, made from the reference and the stub.

`build_class(folder)` writes one file or folder per student and returns what each should get:
"full" (every check passes), "zero" (graded, no points), "partial" (graded, some points), or
"error" (cannot be graded at all).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[3]
REFERENCE = (ROOT / "reference/layers/layers.py").read_text()
STUB = (ROOT / "exercises/layers/layers.py").read_text()

# Real bugs: each makes some checks fail and leaves others passing.
BUGS = {
    "db_axis1": ("db = dout.sum(axis=0)", "db = dout.sum(axis=1)"),
    "dw_transposed": ("dw = x_flat.T @ dout", "dw = dout.T @ x_flat"),
    "relu_ignores_dout": ("dx = (x > 0) * dout", "dx = (x > 0) * 1.0"),
    "sigmoid_dout_times_s": ("dx = s * (1.0 - s) * dout", "dx = s * dout"),
    "softmax_no_divide_n": ("dx /= N", "dx /= 1"),
    "softmax_no_shift": ("shifted = x - x.max(axis=1, keepdims=True)", "shifted = x"),
    "bn_unbiased_var": ("var = x.var(axis=0)", "var = x.var(axis=0, ddof=1)"),
    "bn_momentum_swapped": ("momentum * running_mean + (1 - momentum) * mean",
                            "(1 - momentum) * running_mean + momentum * mean"),
}
SYNTAX_ERRORS = {
    "syntax_colon": ("def relu_forward(x):", "def relu_forward(x)"),
    "syntax_indent": ("    x = cache\n", "  x = cache\n"),
    "syntax_return_outside": ("import numpy as np\n", "import numpy as np\nreturn 3\n"),
}


def mutate(source: str, old: str, new: str) -> str:
    assert source.count(old) == 1, old
    return source.replace(old, new)


def notebook(*cells: str) -> str:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Layers")] + [nbformat.v4.new_code_cell(c) for c in cells]
    return nbformat.writes(nb)


def write_zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)


def build_class(folder: Path) -> dict[str, str]:
    """Write 50 submissions into `folder`; {student id: expected outcome}."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def file(name: str, text: str, outcome: str) -> None:
        (folder / name).write_text(text)
        expected[name.rsplit(".", 1)[0]] = outcome

    # 16 correct files, LMS-style names (the whole stem is the id); each differs by a comment.
    for i in range(14):
        file(f"smith_jane_{10000 + i}_678_layers.py", REFERENCE + f"\n# student {i}\n", "full")
    file("noisy_printer.py", REFERENCE + "\nprint('hello ' * 100000)\n", "full")
    # Lists the folder it is graded from: it should see itself and nothing of the class.
    file("snoop.py", REFERENCE + "\nimport os\nprint(sorted(os.listdir(os.path.dirname(__file__))))\n", "full")
    for i in range(4):
        file(f"stub_{i}.py", STUB + f"\n# student {i}\n", "zero")
    for name, (old, new) in BUGS.items():
        file(f"bug_{name}.py", mutate(REFERENCE, old, new), "partial")
    for name, (old, new) in SYNTAX_ERRORS.items():
        file(f"{name}.py", mutate(REFERENCE, old, new), "error")
    file("nothing_defined.py", "import numpy as np\n\nANSWER = 42\n", "zero")
    file("notebook_a.ipynb", notebook("import numpy as np", REFERENCE, "%matplotlib inline\nprint(relu_forward(np.ones(3)))"), "full")
    file("notebook_b.ipynb", notebook(REFERENCE + "\n# b"), "full")
    file("essay.pdf", "%PDF-1.4 not code", "error")
    # Hostile code: each is graded (and scores nothing, or only where it behaves), never stops the batch.
    file("hostile_import_loop.py", REFERENCE + "\nwhile True:\n    pass\n", "zero")
    file("hostile_import_exit.py", REFERENCE + "\nimport os\nos._exit(3)\n", "zero")
    file("hostile_memory_bomb.py", REFERENCE + "\nweights = np.zeros((100000, 100000))   # 80 GB\n", "zero")
    file("hostile_exit_in_relu.py", mutate(REFERENCE, "dx = (x > 0) * dout", "import os; os._exit(0)"), "partial")
    file("hostile_loop_in_sigmoid.py",
         mutate(REFERENCE, "    z = np.exp(-np.abs(x))\n", "    while True:\n        pass\n"), "partial")

    # Zips, one per student.
    write_zip(folder / "zipped_a.zip", {"layers.py": REFERENCE, "notes/scratch.py": "x = 1\n"})
    expected["zipped_a"] = "full"
    write_zip(folder / "zipped_b.zip", {"hw/layers.ipynb": notebook(REFERENCE)})
    expected["zipped_b"] = "full"
    write_zip(folder / "zipped_readme_only.zip", {"README.txt": "I forgot my code"})
    expected["zipped_readme_only"] = "error"

    # Folders, one per student (the id is the folder's name).
    def folder_of(name: str, files: dict[str, str | bytes], outcome: str) -> None:
        student = folder / name
        student.mkdir()
        for relative, content in files.items():
            path = student / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
        expected[name] = outcome

    folder_of("doe_john", {"layers.py": REFERENCE}, "full")
    folder_of("roe_jane", {"layers.py": REFERENCE, "helpers.py": "def helper():\n    return 1\n",
                           ".DS_Store": b"\0\1"}, "full")
    folder_of("kim_lee", {"work/layers.ipynb": notebook(REFERENCE), "scratch.py": "print('try')\n"}, "full")
    folder_of("park_min", {"submission.txt": "see attached", "layers.py": STUB}, "zero")
    nested = folder / "_nested.zip"
    write_zip(nested, {"layers.py": REFERENCE})
    folder_of("nested_zip", {"upload.zip": nested.read_bytes()}, "full")
    nested.unlink()
    folder_of("empty_folder", {}, "error")
    folder_of("only_text", {"answers.txt": "42"}, "error")
    assert len(expected) == 50, len(expected)
    return expected


def zip_folder(folder: Path, target: Path, top: str = "submissions") -> Path:
    """An LMS-style export: the class folder zipped under one top folder, plus OS litter."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            name = f"{top}/{path.relative_to(folder).as_posix()}"
            if path.is_dir():
                archive.writestr(name + "/", "")
            else:
                archive.write(path, name)
        archive.writestr("__MACOSX/submissions/._smith.py", "junk")
    return target
