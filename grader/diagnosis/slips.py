"""Python slips read from a student's exception: a misspelt or removed numpy name, a method indexed instead of
called, a local variable used before the line that assigns it, a second array given to np.sum
where its axis goes, a size computed with / (a float in Python 3) given to a shape or a range, a
function or keyword NumPy removed (np.lib.pad, reshape's newshape=, unravel_index's dims=), a range
or list given as an axis, an index NumPy refuses (a list of slices, a float), and an array unpacked
into its sizes (N, H = prev_h), np.choose given more than 63 choices, an item stored into a name that
is still None (the starter's `cache = None`), a cache unpacked into another number of names than it
holds (x, w, b, reg = cache), an `if` that tests a whole array (if x > 0:).

Each reading names only what the message and the failing line show (the name numpy does not have,
and the one it does have that is closest; the method the line indexes; the variable): a hint from
here is a fact about the student's own line, never a guess about their intent. On a hidden case the
message is withheld and nothing here is said.
"""
from __future__ import annotations

import ast
import difflib
import re

import numpy as np

from .tracebacks import failing_line

_MISSING_ATTRIBUTE = re.compile(r"(module 'numpy'|'numpy\.ndarray' object) has no attribute '(\w+)'")
_SUBSCRIPTED = re.compile(r"'(builtin_function_or_method|method|function)' object is not subscriptable")
# A float where a size or index goes: Python's float, or NumPy's (np.prod(x.shape) / N is np.float64).
_FLOAT_SIZE = re.compile(r"'(?:numpy\.)?float(?:16|32|64)?' object cannot be interpreted as an integer"
                         r"|slice indices must be integers")
_UNBOUND = re.compile(r"local variable '(\w+)'")
# Names NumPy removed (1.20-1.24 deprecations, 2.0's cleanup), with what replaces each: a close match
# in today's namespace would point elsewhere (np.int -> np.uint, np.complex -> np.iscomplex).
_REMOVED = {"int": "int (or np.int64)", "float": "float (or np.float64)", "bool": "bool (or np.bool_)",
            "object": "object", "complex": "complex (or np.complex128)", "str": "str", "long": "int",
            "unicode": "str", "float_": "np.float64", "complex_": "np.complex128", "asscalar": "a.item()",
            "product": "np.prod", "cumproduct": "np.cumprod", "alltrue": "np.all", "sometrue": "np.any",
            "NaN": "np.nan", "NAN": "np.nan", "Inf": "np.inf", "Infinity": "np.inf", "infty": "np.inf",
            "PINF": "np.inf", "NINF": "-np.inf", "round_": "np.round", "row_stack": "np.vstack",
            "in1d": "np.isin", "trapz": "np.trapezoid", "mat": "np.asarray"}
# np.sum(dout, x_hat, axis=0): a name (not a number, not a keyword) in the axis's place
_TWO_ARRAYS = re.compile(r"np\.(sum|mean)\(\s*([\w.]+)\s*,\s*([A-Za-z_][\w.]*)\s*[,)]")


_AXIS_OBJECT = re.compile(r"'(range|list)' object cannot be interpreted as an integer")
_SHAPE_AS_SIZE = "'tuple' object cannot be interpreted as an integer"
_RAND_OF_SHAPE = re.compile(r"random\.(rand|randn)\(\s*[\w.\[\]]+\.shape\s*\)")
_UNPACKED = re.compile(r"(too many|not enough) values to unpack")
_INVALID_INDEX = "are valid indices"
_TRUTH_VALUE = "truth value of an array with more than one element is ambiguous"
# a, b, c = cache (or (a, b) = fc_cache): a cache unpacked into names
_CACHE_UNPACKED = re.compile(r"[(\[]?\s*\w+(?:\s*,\s*\w+)+\s*,?\s*[)\]]?\s*=\s*\w*cache\w*")
CACHE_UNPACK_HINT = ("Your backward unpacks its cache into another number of names than your forward put in it: "
                     "unpack exactly what the forward's cache holds, in the same order (print len(cache)).")
_CHOOSE_LIMIT = "at most 64 array objects"
_NONE_ITEM_ASSIGNMENT = "'NoneType' object does not support item assignment"
CHOOSE_HINT = ("np.choose takes at most 63 choices, and here each class is one (x.T has one row per class): take "
               "each example's score by indexing instead, x[np.arange(N), y].")


def slip_hint(kind: str, message: str, trace: str, arrays: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """(hint, mistake id) for an exception that is one of the slips above, or None. `arrays`: the
    names of the array arguments of the function that raised (its parameters), when it is a forward."""
    if kind == "AttributeError":
        return _misspelt(message) or _removed_api(message)
    removed = _removed_api(message) if kind == "TypeError" else None
    if removed:
        return removed
    if kind == "TypeError" and (_SHAPE_AS_SIZE in message or not message):
        # the line alone proves it (a hidden case's message is withheld)
        found = _RAND_OF_SHAPE.search(failing_line(trace))
        if found:
            name = found.group(1)
            return (f"np.random.{name} takes the sizes as separate numbers, not a shape: np.random.{name}(*x.shape), "
                    f"not np.random.{name}(x.shape) (np.random.random(x.shape) takes a tuple)."), \
                "rand_given_shape_tuple"
    if kind == "TypeError" and _AXIS_OBJECT.search(message):
        return _axis_object(trace, _AXIS_OBJECT.search(message).group(1))
    if kind == "IndexError" and _INVALID_INDEX in message:
        return _invalid_index(trace)
    if kind == "ValueError" and _CHOOSE_LIMIT in message:
        return CHOOSE_HINT, "np_choose_limit"
    # the line alone proves these where a hidden case's message is withheld: a cache or an array argument
    # unpacked, an if testing an array compared with a number
    unpacked = _cache_unpacked(trace) or _array_unpacked(trace, arrays) \
        if kind == "ValueError" and (_UNPACKED.search(message) or not message) else None
    if unpacked:
        return unpacked
    if kind == "ValueError" and (_TRUTH_VALUE in message or not message):
        return _array_truth_value(trace, proven_by_message=bool(message))
    if kind == "TypeError" and _SUBSCRIPTED.search(message):
        return _indexed_method(trace)
    if kind == "TypeError" and _NONE_ITEM_ASSIGNMENT in message:
        return _item_assigned_on_none(trace)
    if kind == "TypeError" and "multiple values for argument 'axis'" in message:
        return _array_as_axis(trace)
    if kind == "TypeError" and _FLOAT_SIZE.search(message):
        # Python 2's / on ints gave an int; Python 3's gives a float, which no shape, range or slice takes.
        return ("A size or index is a float: in Python 3, / always gives a float, even for ints (x.size / N is "
                "4.0, not 4). Use // for sizes and positions, or let reshape work one out with -1."), \
            "size_true_division"
    if kind == "UnboundLocalError":
        found = _UNBOUND.search(message)
        if found:
            name = found.group(1)
            return (f"{name} is used on this line before your function gives it a value: it is assigned only "
                    f"further down (so Python treats it as a local variable). Assign {name} before this line: "
                    "check the order of your lines."), "name_error"
    return None


def _misspelt(message: str) -> tuple[str, str] | None:
    found = _MISSING_ATTRIBUTE.search(message)
    if not found:
        return None
    owner, name = found.groups()
    on_module = owner.startswith("module")
    if on_module and name in _REMOVED:
        return (f"np.{name} was removed from NumPy (code written for an older version): use {_REMOVED[name]}."), \
            "numpy_removed_alias"
    names = [n for n in dir(np if on_module else np.ndarray) if not n.startswith("_")]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    if not close:
        return None
    written, meant = (f"np.{name}", f"np.{close[0]}") if on_module else (f".{name}", f".{close[0]}")
    return f"numpy has no {written}: did you mean {meant}?", "numpy_name_misspelt"


def _indexed_method(trace: str) -> tuple[str, str] | None:
    """The method the failing line indexes with [ ] (x.reshape[N, -1]), from the student's own line."""
    found = re.search(r"\.(\w+)\[", failing_line(trace))
    if not found:
        return None
    method = found.group(1)
    return (f".{method}[...] indexes the method instead of calling it: call it with parentheses, "
            f".{method}(...)."), "method_not_called"


def _item_assigned_on_none(trace: str) -> tuple[str, str] | None:
    """cache['x'] = x where cache is still the starter's `out, cache = None, None`: the name stored
    into is read from the student's own line; the message says it is None."""
    found = re.match(r"\s*([A-Za-z_]\w*)\s*\[", failing_line(trace))
    if not found:
        return None
    name = found.group(1)
    return (f"{name} is None when this line stores an item into it: a name set to None (as the starter's "
            f"placeholder `{name} = None` does) holds no items. Make it a dict first, {name} = {{}} (or an array, "
            f"np.zeros(...)), before storing into it, or build it whole at the end."), "item_assigned_on_none"


def _array_as_axis(trace: str) -> tuple[str, str] | None:
    """np.sum(a, b, ...): b sits where np.sum takes its axis (from the student's own line)."""
    found = _TWO_ARRAYS.search(failing_line(trace))
    if not found:
        return None
    function, first, second = found.groups()
    return (f"np.{function}({first}, {second}, ...) gives {second} as the axis: np.{function} takes one array, and "
            f"its second argument is the axis. To {function} a product, multiply first: "
            f"np.{function}({first} * {second}, axis=...)."), "array_as_axis"


def _removed_api(message: str) -> tuple[str, str] | None:
    """A NumPy function or keyword that NumPy 2 removed, named by the message itself."""
    if "module 'numpy.lib' has no attribute 'pad'" in message:
        return "np.lib.pad is gone from NumPy 2: call np.pad, with the same arguments.", "numpy_removed_api"
    if "unravel_index() got an unexpected keyword argument 'dims'" in message:
        return ("np.unravel_index's keyword dims= is now shape= (dims was removed): np.unravel_index(k, "
                "window.shape), or without the keyword."), "numpy_removed_api"
    if "unexpected keyword argument 'newshape'" in message:
        return ("np.reshape's keyword newshape= was removed in NumPy 2.4: give the shape without it, "
                "np.reshape(x, (N, D)) or x.reshape(N, D)."), "numpy_removed_api"
    return None


def _axis_object(trace: str, given: str) -> tuple[str, str] | None:
    """axis=range(k) or axis=[0, 2]: NumPy takes an int or a tuple, and the line shows the axis."""
    line = failing_line(trace)
    if not re.search(r"axis\s*=|np\.(sum|mean|max|min|expand_dims|squeeze)\(|\.(sum|mean|max|min)\(", line):
        return None
    return (f"An axis here is a {given}: NumPy takes an int or a tuple of ints as axis. Make it a tuple, "
            f"axis=tuple(range(...)) or axis=(0, 2)."), "axis_not_tuple"


def _invalid_index(trace: str) -> tuple[str, str] | None:
    """An index NumPy refuses. Its message is the same for a float and for a list holding slices or
    None, so the hint names both, unless the student's line divides inside the brackets (a float)."""
    line = failing_line(trace)
    if not line:
        return None
    if re.search(r"\[[^\]]*[^/]/[^/][^\]]*\]", line):
        return ("An index is a float: in Python 3, / always gives a float, even for ints. Use // for "
                "positions."), "size_true_division"
    return ("NumPy refused the index on this line: it takes ints, slices, None, integer or boolean arrays, "
            "and tuples of those. A list is read as an array of indices, so a list of slices or None "
            "(index = [slice(None)] * ndim) must be made a tuple, x[tuple(index)]; and a float index "
            "(from /) must be an int (use //)."), "index_not_tuple_or_int"


def _cache_unpacked(trace: str) -> tuple[str, str] | None:
    """x, w, b, reg = cache raising ValueError: the cache holds another number of items than the names
    (a tuple unpacked raises ValueError for nothing else, so the line proves it on a hidden case too)."""
    if not _CACHE_UNPACKED.fullmatch(failing_line(trace).split("#")[0].strip()):
        return None
    return CACHE_UNPACK_HINT, "cache_unpack_mismatch"


def _array_truth_value(trace: str, proven_by_message: bool) -> tuple[str, str] | None:
    """`if x > 0:` on an array x: Python asks the array for one True or False, and NumPy refuses. The
    message proves it where the line is an if, elif or while (or holds `... if ... else ...`); on a
    hidden case, with the message withheld, only a test that can raise nothing else does: one array
    compared with a number, no call in it."""
    line = failing_line(trace).split("#")[0].strip()
    found = re.match(r"(if|elif|while)\s+(.+?)\s*:$", line)
    if not proven_by_message and not (found and _compares_with_a_number(found.group(2))):
        return None
    if found:
        statement, test = found.groups()
        shown, mask = f"`{test}`", test
    elif re.search(r"\bif\b.+\belse\b", line):
        statement, shown, mask = "if", "its condition", "condition"
    else:
        return None     # and, or, not, max(x, 0), any(...): the array is tested elsewhere than in an if
    return (f"The `{statement}` on this line tests a whole array: {shown} is an array of True and False, one per "
            "element, and Python needs a single True or False, so NumPy refuses. Decide element by element "
            f"instead: np.where({mask}, a, b) takes a where the test holds and b elsewhere; or use boolean "
            f"indexing (out[{mask}] = ...), or multiply by the mask (a * ({mask}))."), "array_truth_value_in_if"


def _compares_with_a_number(test: str) -> bool:
    """A comparison of a name (or a subscript or attribute of one) with a number: x > 0, x[i] <= 0.0."""
    try:
        node = ast.parse(test, mode="eval").body
    except SyntaxError:
        return False
    simple = (ast.Name, ast.Subscript, ast.Attribute, ast.Constant, ast.UnaryOp, ast.Slice, ast.Tuple,
              ast.expr_context, ast.unaryop, ast.cmpop)
    return isinstance(node, ast.Compare) and len(node.ops) == 1 \
        and any(isinstance(side, (ast.Constant, ast.UnaryOp)) for side in (node.left, node.comparators[0])) \
        and all(isinstance(n, simple) for n in ast.walk(node) if n is not node)


def _array_unpacked(trace: str, arrays: tuple[str, ...]) -> tuple[str, str] | None:
    """N, H = prev_h with prev_h an array argument: unpacking walks its rows, not its sizes."""
    line = failing_line(trace)
    found = re.fullmatch(r"(\w+(?:\s*,\s*\w+)+)\s*=\s*(\w+)", line.split("#")[0].strip())
    if not found or found.group(2) not in arrays:
        return None
    names, array = found.groups()
    return (f"{names} = {array} unpacks the array {array} row by row (one value per row), not into its sizes: "
            f"take its shape, {names} = {array}.shape."), "array_unpacked_not_shape"


def choose_limit(error: dict, classes: int) -> tuple[str, str] | None:
    """np.choose given one choice per class where there are 64 classes or more (NumPy refuses): read
    from the message, or where a hidden case withholds it, from the line that raised calling np.choose."""
    message = error.get("message", "")
    if error.get("type") == "ValueError" and classes >= 64 and (_CHOOSE_LIMIT in message or not message) \
            and re.search(r"\.choose\(", error.get("traceback") or ""):
        return CHOOSE_HINT, "np_choose_limit"
    return None

