"""Fixes of the student's own code: one change to their function that makes its wrong result right.

one_change explains a wrong result as the reference with one change; that needs the student's code
to be shaped like the reference, and says the change in the reference's terms. Students write a
layer in many shapes (nine small steps or one formula, loops over windows or over input positions),
so here the change is made to the student's own function instead: their source is parsed (never run
here), changed in one place at a time with one_change's edits (a factor or a term left out, another
axis, a transpose, one variable for another, `=` for `+=` ...), and each changed version is run in
the sandbox on the failing case (grader.checks.code_fixes). A change that makes the result right, on that
case and on a second draw, is a fix proven on their code; the hint quotes their line and the change.
Nothing here runs code: this module makes the changed sources and words the hint.
"""
from __future__ import annotations

import ast
import copy
import functools
from dataclasses import dataclass

from . import one_change
from .mistake_ids import value_mistake

# The changed versions tried per diagnosis, the commonest slips first: each is a run of the
# student's code in the sandbox (their forward, then the changed function), so fewer than
# one_change's reference edits, which run in the grading process.
MAX_TRIED = 136     # 120, and room for round 25's pairs of sizes exchanged (PAIR_SWAPS)
# Of those, at most this many in the statements that compute the wrong result itself (tried first): a
# long formula has dozens of one-variable swaps, and the slip may be a step before it (a root without eps).
IN_STEP = 60
# Then at most this many sizes swapped for their counterparts anywhere (H_out for W_out in a loop's
# range): a slip of conv and pool code that square test inputs hide, a few versions per function.
SIZE_SWAPS = 20

# Then at most this many pairs of names exchanged in a tuple unpacked from a parameter (a cache unpacked
# in another order than the forward packed it: beta and eps in each other's place), a name the function
# never reads paired with one it reads first.
UNPACK_SWAPS = 21

# Then at most this many pairs of counterpart sizes exchanged, one place each, at two places written alike
# (range(H_out) and range(W_out); v * stride + pool_height and h * stride + pool_width): round 25's
# exchanged loop bounds and window extents, which square test inputs hide too.
PAIR_SWAPS = 16

_VARIABLE, _SIZE = one_change._RANKS.index("variable"), one_change._RANKS.index("size")

# What an eps added inside a square root is told (_student_edits).
_EPS_SAYS = " inside the root"
EPS_ADVICE = ("eps keeps the square root away from zero: every step, forward and backward, uses the same "
              "sqrt(var + eps).")

# What a size swapped in a flat index's row and column both is told (_unravel_swaps).
_UNRAVEL_SAYS = ", in the row and the column of one flat index"

# What two counterpart sizes exchanged at two places are told (_pair_swaps).
_PAIR_SAYS = " exchanged, one place each"

# What a list of index sequences made a tuple is told (_student_edits).
_TUPLE_SAYS = " made a tuple"
TUPLE_ADVICE = ("NumPy reads a list of index sequences as one array index into the first axis (whole rows), not as "
                "one index per axis: index with a tuple, x[np.arange(N), y] or x[(rows, y)].")

# What a reshape left out is told (_student_edits).
_RESHAPE_SAYS = " is left out (the array as it is)"
RESHAPE_ADVICE = ("As it is, that array lines up with the one it meets (NumPy matches the last axes); reshaped "
                  "(flattened, or made a column) its entries no longer do.")

# What a parameter's name put where a number is written is told (_student_edits).
_PARAMETER_SAYS = " where the number is written"
PARAMETER_ADVICE = ("A number written where a parameter belongs (a padding, a stride) fits only the inputs where "
                    "the parameter has that value: use the value read from the parameter everywhere it applies.")

# What an input's size put where a size is written as a number is told (_size_literal_edits).
_SIZE_SAYS = " where the size is written as a number"
SIZE_ADVICE = ("A size written as a number fits only the inputs that have that size: take every size from the "
               "arrays' shapes, so the code fits any input.")

# What a student's `+=` made `=` is told: one_change's edit, written for the reference (where it
# makes the student's overwrite), says the opposite of what the student's own code needs.
ADDS_ADVICE = ("That line adds to the value every time it runs: where the value is set once (a count or a total "
               "known only after a loop), set it with =, or move the line out of the loop it is in.")

# A student's edit whose description ends with one of these gets its own advice, and the catalogued
# mistake it undoes (None: the value kind of the result it feeds, or for eps, Fix.mistake's choice).
_OWN_ADVICE = {_EPS_SAYS: (EPS_ADVICE, None), _TUPLE_SAYS: (TUPLE_ADVICE, "index_not_tuple_or_int"),
               _RESHAPE_SAYS: (RESHAPE_ADVICE, None), _PARAMETER_SAYS: (PARAMETER_ADVICE, "hardcoded_shape"),
               _SIZE_SAYS: (SIZE_ADVICE, "hardcoded_shape")}

# A fragment of the student's code longer than this is shortened around the change.
MAX_SHOWN = 60


@dataclass(frozen=True)
class Fix:
    """One changed version of a student's function."""
    function: str           # the student's function changed
    kind: str               # a value kind of grader.diagnosis.mistake_ids ("axis_off", ...)
    advice: str             # what to check, by the kind of change (one_change.ADVICE)
    line: str               # the student's line where the change is, as they wrote it
    before: str             # the changed part, as they wrote it
    after: str | None       # what it becomes; None: the statement is left out
    everywhere: bool        # the same change at every place it can be made
    source: str             # the changed function's source, for the worker to run instead of theirs
    # the positions of the function's results the changed line feeds (its return statement's names)
    feeds: tuple[int, ...] = ()
    # the change adds eps inside a square root: it names that catalogued mistake, not a value kind
    adds_eps: bool = False
    # the catalogued mistake the change undoes, whatever result it feeds (a list index made a tuple)
    undoes: str | None = None
    # the student's lines, when the change is made at a few places, not everywhere (a flat index's
    # row k // S and column k % S both given the counterpart of S)
    sites: tuple[str, ...] = ()
    # `before` and `after` exchanged with each other at the `sites` (two loops' bounds), not one made the other
    exchanged: bool = False

    def mistake(self, what: str, *, in_backward: bool = False) -> str:
        """The id of the mistake this fix undoes in a wrong `what`; `in_backward`: the changed function
        is the exercise's backward (a std recomputed there without the forward's eps)."""
        if self.adds_eps:
            return "backward_std_without_eps" if in_backward else "eps_left_out"
        return self.undoes or value_mistake(what, self.kind)

    def hint(self, what: str, *, runs: bool = False) -> str:
        """The hint for a wrong `what` that this fix makes right (`runs`: what raised before, and now
        runs and gives the right `what`)."""
        if self.after is None:
            change = f"without the line `{self.line}` in {self.function}"
        elif self.sites and self.exchanged:
            lines = " and ".join(f"`{site}`" for site in self.sites)
            where = "the lines" if len(self.sites) > 1 else "the line"
            change = f"with `{self.before}` and `{self.after}` exchanged in {where} {lines} of {self.function}"
        elif self.sites:
            lines = " and ".join(f"`{site}`" for site in self.sites)
            change = f"with `{self.before}` changed to `{self.after}` in the lines {lines} of {self.function}"
        else:
            where = "everywhere it appears in" if self.everywhere else "in the line"
            place = f"{self.function}" if self.everywhere else f"`{self.line}` of {self.function}"
            change = f"with `{self.before}` changed to `{self.after}` {where} {place}"
        gives = "runs and gives" if runs else "gives"
        return (f"Your code {gives} the right {what} {change}: tried on this case and on a second draw, it is "
                f"right on both. {self.advice}")


def functions_to_change(source: str, start: str, without: str | None = None) -> list[str]:
    """`start` and the student's functions it calls, nearest first, less those `without` calls (a
    backward's diagnosis never changes what the forward also runs: the forward was right)."""
    functions = _parsed(source)
    return one_change.reachable(functions, start, without) if functions else []


def mentions(source: str, start: str, word: str) -> bool | None:
    """Whether `start` or a student's function it calls has `word` in its code (a keyword, a name, an
    attribute; comments left out); None when the source or the function cannot be read."""
    functions = _parsed(source)
    if start not in functions:
        return None
    return any(word in ast.unparse(functions[name]) for name in one_change.reachable(functions, start))


def fixes(source: str, functions: list[str], file_name: str, position: int | None = None,
          raised_at: tuple[int, ...] = ()) -> list[Fix]:
    """The changed versions of the student's `functions` to try, at most MAX_TRIED: first up to
    IN_STEP in the statements that compute the wrong result (the name the first function returns at
    `position`: dgamma in `return dx, dgamma, dbeta`) or, for code that raised, in the lines the
    traceback went through (`raised_at`, line numbers of the file, the line that raised last); then
    up to SIZE_SWAPS sizes swapped elsewhere; then the rest; the commonest slips first."""
    parsed = _parsed(source)
    lines = source.splitlines()
    diagnosed = _returned_name(parsed.get(functions[0]) if functions else None, position)
    in_step, elsewhere = [], []
    for name in functions:
        definition = parsed.get(name)
        if definition is None:
            continue
        line_order = _raising_lines(definition, raised_at)
        sizes = one_change._size_names(definition)
        for change in (*one_change.changes_in(definition, file_name, extra=_student_edits),
                       *_unravel_swaps(definition, file_name), *_pair_swaps(definition, file_name)):
            node = _node_at(definition, list(change.edits[0][0]))
            if change.rank == _VARIABLE and isinstance(node, ast.Name) and node.id in sizes:
                continue        # a size swapped for an array is no slip: sizes are swapped among themselves
            line = getattr(node, "lineno", None)
            in_its_step = (name == functions[0] and diagnosed is not None and change.step == diagnosed) \
                or line in line_order
            (in_step if in_its_step else elsewhere).append((change, definition, line_order.get(line, 0)))
    # stable sorts: the nearest function first, then source order, within a rank. Where the code
    # raised, a size swapped for another comes first: an index past an edge, a shape that does not
    # fit, is most often the height's size used for the width's.
    in_step.sort(key=lambda item: (bool(raised_at) and item[0].rank != _SIZE, item[2], item[0].rank))
    elsewhere.sort(key=lambda item: item[0].rank)
    found = []
    pairs = [item for item in elsewhere if item[0].says.endswith(_PAIR_SAYS)][:PAIR_SWAPS]
    swaps = [item for item in elsewhere if item[0].rank == _SIZE and not item[0].says.endswith(_PAIR_SAYS)][:SIZE_SWAPS]
    unpacks = sorted((item for item in elsewhere if item[0].says.endswith(_UNPACK_SAYS)),
                     key=lambda item: not item[0].says.startswith(_UNREAD))[:UNPACK_SWAPS]
    elsewhere = swaps + pairs + unpacks + [item for item in elsewhere
                                           if item[0].rank != _SIZE and not item[0].says.endswith(_UNPACK_SAYS)]
    for change, definition, _ in in_step[:IN_STEP] + elsewhere:   # a changed source is made only for those tried
        fix = _fix(change, definition, lines)
        if fix is not None:
            found.append(fix)
        if len(found) == MAX_TRIED:
            break
    return found


def _unravel_swaps(definition: ast.FunctionDef, file_name: str) -> list[one_change.Change]:
    """A flat index unravelled with one size for its counterpart in both places: row k // S and column
    k % S (the same k and S), S made its counterpart in both (round 24's pool argmax: k // pool_height
    and k % pool_height where pool_width belongs in both). The size swap of one place alone leaves the
    other wrong, and the swap everywhere changes the window's extent too; this one change is what a
    student who took the wrong size for the row length has."""
    counterparts = _counterparts(definition)
    sites: dict[tuple[str, str], dict[type, list]] = {}
    for path, node, _ in one_change._walk(definition):
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.FloorDiv, ast.Mod)) \
                and isinstance(node.right, ast.Name) and node.right.id in counterparts:
            key = (ast.dump(node.left), node.right.id)
            sites.setdefault(key, {}).setdefault(type(node.op), []).append(tuple(path) + (("right", None),))
    changes = []
    for (_, size), by_op in sites.items():
        if len(by_op) < 2:
            continue        # a division alone, or a remainder alone: the one-place swap covers it
        paths = tuple(path for op_paths in by_op.values() for path in op_paths)
        for other in sorted(counterparts[size]):
            changes.append(one_change.Change(
                definition.name, _SIZE, "variable_off", f"{other} used where {size} belongs{_UNRAVEL_SAYS}",
                None, file_name, definition, tuple((path, ast.Name(other, ast.Load())) for path in sorted(paths))))
    return changes


def _pair_swaps(definition: ast.FunctionDef, file_name: str) -> list[one_change.Change]:
    """Two counterpart sizes exchanged, one place each, where the two places are written alike but for
    the names (range(H_out) and range(W_out) bounding two loops; v2 = v * stride + pool_height and
    h2 = h * stride + pool_width): a student who gave the rows' loop the columns' bound and the other way
    round, or each window extent the other's size, has both places wrong, where a swap at one place
    leaves the other wrong and a swap everywhere changes what was right. Sizes first (H_out, pool_height),
    then loop counters (i, j); within those, source order."""
    counterparts = _counterparts(definition)
    sites: dict[str, list[tuple[tuple, str]]] = {}
    for path, node, parents in one_change._walk(definition):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in counterparts \
                and parents and not one_change._assigned_into(node, parents):
            sites.setdefault(node.id, []).append((tuple(path), _written_alike(node, parents[-1])))
    counters = {n.id for loop in ast.walk(definition) if isinstance(loop, ast.For) for n in ast.walk(loop.target)
                if isinstance(n, ast.Name)}
    changes = []
    for a in sorted(sites, key=lambda name: (name in counters, name)):
        for b in sorted(counterparts[a]):
            if b not in sites or (b in counters, b) < (a in counters, a):
                continue        # each pair once, from its first name
            for path_a, context_a in sites[a]:
                for path_b, context_b in sites[b]:
                    if context_a == context_b:
                        changes.append(one_change.Change(
                            definition.name, _SIZE, "variable_off", f"{a} and {b}{_PAIR_SAYS}", None, file_name,
                            definition, ((path_a, ast.Name(b, ast.Load())), (path_b, ast.Name(a, ast.Load())))))
    return changes


def _written_alike(node: ast.Name, parent: ast.AST) -> str:
    """The expression `node` is in, its other names made one placeholder and `node` another (a called
    function's name kept): two places are written alike when these are equal (range(H_out) and
    range(W_out); v * stride + pool_height and h * stride + pool_width)."""
    called = {id(n.func) for n in ast.walk(parent) if isinstance(n, ast.Call)}
    marked = copy.deepcopy(parent)
    for child, original in zip(ast.walk(marked), ast.walk(parent)):
        if isinstance(child, ast.Name) and id(original) not in called:
            child.id = "\0" if original is node else "_"
    return ast.dump(marked)


def _raising_lines(definition: ast.FunctionDef, raised_at: tuple[int, ...]) -> dict[int, int]:
    """The order in which to search the lines of `definition` that code which raised went through
    (`raised_at`, the line that raised last): the line that raised first, then the lines that called
    into it, then the statements computing a name those lines read (a size computed a line before
    its use: `row = k // H_out` for an index past the edge)."""
    statements = _simple_statements(definition)
    order = {}
    for rank, line in enumerate(reversed(raised_at)):
        for node in statements:         # a statement written over several lines: all of them
            if node.lineno == line:
                order.update({n: rank for n in range(node.lineno, node.end_lineno + 1) if n not in order})
    read = {n.id for node in statements if node.lineno in order
            for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    feeding = len(raised_at)
    for node in statements:
        if isinstance(node, (ast.Assign, ast.AugAssign)) and node.lineno not in order:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(n, ast.Name) and n.id in read for target in targets for n in ast.walk(target)):
                order.update({n: feeding for n in range(node.lineno, node.end_lineno + 1)})
    return order


def _simple_statements(definition: ast.FunctionDef) -> list[ast.stmt]:
    """The function's statements that hold no others (a loop's or a branch's first line is not the
    line that raised in it, nor a step that computes a value)."""
    return [node for node in ast.walk(definition) if isinstance(node, ast.stmt) and not isinstance(node, _BLOCKS)]


_BLOCKS = (ast.For, ast.While, ast.If, ast.With, ast.Try, ast.FunctionDef)


def _returned_name(definition: ast.FunctionDef | None, position: int | None) -> str | None:
    """The name a function's last return statement gives at `position`, if it is a plain name."""
    if definition is None or position is None:
        return None
    returns = one_change._returns(definition)
    names = returns[-1] if returns else ()
    return names[position] if position < len(names) else None


@functools.lru_cache(maxsize=16)
def _parsed(source: str) -> dict[str, ast.FunctionDef]:
    """The top-level functions of the student's file, parsed (a file that does not parse has none)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _student_edits(node: ast.AST, parents: list[ast.AST]):
    """Edits one_change never needs on a reference, which is right: what a student's code may lack.
    `=` where `+=` belongs (a loop writing `dx[...] = ...` at overlapping windows keeps only the last
    one); eps left out of a square root (the function has an eps, and the root does not use it); one
    size or loop counter for its counterpart (H_out for W_out, i for j), and a row and a column index
    exchanged in one subscript (out[n, f, j, i]). one_change leaves those two out: two
    sizes are often equal on a case, so a swap can agree with a wrong answer by chance; a fix must
    make the result right, on two draws, which a swap of two equal sizes never does. And a small
    number type widened (np.int8 to np.int64: a count of positive margins past 127 wraps around),
    which a reference never has. And three slips real students made (rounds 15, 20, 21): a window's
    two extents exchanged (r:r + ww, c:c + hh), a reshape left out (a mask from x flattened, a bias made
    a column), a list of index sequences made a tuple. And a number written where a parameter belongs
    (round 22: np.pad(x, (1, 1)) where pad = conv_param['pad'] belongs), and two names exchanged in a
    tuple unpacked from a parameter (round 24: a cache unpacked in another order than it was packed), and a
    parameter dict's key read for its counterpart (round 25: pool_width = pool_param['pool_height'])."""
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and parents \
            and not one_change._assigned_into(node, parents):
        for other in sorted(_counterparts(parents[0]).get(node.id, ())):
            yield "size", ast.Name(other, ast.Load()), "variable_off", f"{other} used where {node.id} belongs"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and parents:
        # a row index and a column index in each other's place (out[n, f, j, i] for out[n, f, i, j])
        counterparts, items = _counterparts(parents[0]), node.slice.elts
        for a, b in ((a, b) for a in range(len(items)) for b in range(a + 1, len(items))):
            first, second = items[a], items[b]
            if isinstance(first, ast.Name) and isinstance(second, ast.Name) \
                    and second.id in counterparts.get(first.id, ()):
                swapped = list(items)
                swapped[a], swapped[b] = second, first
                yield "size", ast.Subscript(node.value, ast.Tuple(swapped, ast.Load()), node.ctx), "transpose_off", \
                    f"{first.id} and {second.id} exchanged"
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Tuple) and parents:
        # a window's extents exchanged: x_pad[i, :, r:r + ww, c:c + hh] for r:r + hh, c:c + ww
        counterparts, items = _counterparts(parents[0]), node.slice.elts
        for a, b in ((a, b) for a in range(len(items)) for b in range(a + 1, len(items))):
            first, second = _extent(items[a]), _extent(items[b])
            if first is not None and second is not None and second in counterparts.get(first, ()):
                swapped = list(items)
                swapped[a], swapped[b] = _with_extent(items[a], second), _with_extent(items[b], first)
                yield "size", ast.Subscript(node.value, ast.Tuple(swapped, ast.Load()), node.ctx), "variable_off", \
                    f"{first} and {second} exchanged"
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript) \
            and any(isinstance(parent, ast.For) for parent in parents):
        target = node.targets[0]
        yield "overwrite", ast.AugAssign(target=target, op=ast.Add(), value=node.value), "term_off", \
            f"{ast.unparse(target)} += ..."
    narrow = _narrow_type(node)
    if narrow is not None:
        wide = "float64" if narrow.startswith("float") else "int64"
        replacement = ast.Attribute(ast.Name("np", ast.Load()), wide, ast.Load()) if isinstance(node, ast.Attribute) \
            else ast.Constant(wide)
        yield "dtype", replacement, "dtype_off", f"{wide} for {narrow}"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "reshape" \
            and isinstance(node.func.value, ast.Name) and parents:
        # an array flattened where its own shape belongs (a relu mask from x.reshape(N, -1) indexing dout)
        yield "operation", node.func.value, "operation_off", f".reshape(...) of {node.func.value.id}{_RESHAPE_SAYS}"
    if _list_used_as_index(node, parents):
        yield "operation", ast.Tuple(node.elts, ast.Load()), "operation_off", f"the list{_TUPLE_SAYS}"
    yield from _parameter_edits(node, parents)
    yield from _size_literal_edits(node, parents)
    yield from _unpack_swaps(node, parents)
    yield from _key_swaps(node, parents)
    if isinstance(node, ast.Call) and one_change._called(node) == "sqrt" and len(node.args) == 1 and parents:
        eps = _eps_name(parents[0])
        if eps is not None and not any(isinstance(n, ast.Name) and n.id == eps for n in ast.walk(node.args[0])):
            argument = ast.BinOp(node.args[0], ast.Add(), ast.Name(eps, ast.Load()))
            yield "term", ast.Call(node.func, [argument], node.keywords), "term_off", f"+ {eps}{_EPS_SAYS}"


# What two names exchanged in an unpacking are told (_unpack_swaps), and how it starts when one of them
# is never read (the likelier slip: a name unpacked and never used, where another one is used).
_UNPACK_SAYS = " exchanged in the unpacking"
_UNREAD = "unread "


def _unpack_swaps(node: ast.AST, parents: list[ast.AST]):
    """Two names of a tuple unpacked from a parameter (x, mean, var, beta, eps = cache) in each other's
    place: the order the forward packed them in. Not two names the function never reads (no change)."""
    if not (isinstance(node, ast.Tuple) and isinstance(node.ctx, ast.Store) and len(parents) == 2
            and isinstance(parents[0], ast.FunctionDef) and isinstance(parents[1], ast.Assign)
            and isinstance(parents[1].value, ast.Name)
            and parents[1].value.id in {a.arg for a in parents[0].args.args}
            and all(isinstance(item, ast.Name) for item in node.elts)):
        return
    read = {n.id for n in ast.walk(parents[0]) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    items = node.elts
    for a, b in ((a, b) for a in range(len(items)) for b in range(a + 1, len(items))):
        first, second = items[a].id, items[b].id
        if first == second or (first not in read and second not in read):
            continue
        swapped = list(items)
        swapped[a], swapped[b] = items[b], items[a]
        unread = _UNREAD if (first in read) != (second in read) else ""
        yield "variable", ast.Tuple(swapped, ast.Store()), "variable_off", \
            f"{unread}{first} and {second}{_UNPACK_SAYS}"


def _key_swaps(node: ast.AST, parents: list[ast.AST]):
    """A parameter dict's key read for its counterpart (pool_width = pool_param['pool_height']): the key
    with height and width (row and column) exchanged, where the function never reads that other key."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str) and parents
            and isinstance(parents[0], ast.FunctionDef) and _dict_key_read(parents[-1])
            and (parents[-1].slice is node if isinstance(parents[-1], ast.Subscript) else parents[-1].args[0] is node)):
        return
    other = _word_across(node.value)
    if other is not None and other not in _keys_read(parents[0]):
        yield "size", ast.Constant(other), "variable_off", f"'{other}' read where '{node.value}' belongs"


def _word_across(name: str) -> str | None:
    """The name with height and width (row and column) exchanged; None if it has neither."""
    for a, b in _WORDS:
        if a in name or b in name:
            return name.replace(a, "\0").replace(b, a).replace("\0", b)
    return None


@functools.lru_cache(maxsize=64)
def _keys_read(definition: ast.FunctionDef) -> frozenset[str]:
    """The keys the function reads from a dict (d['key'], d.get('key'))."""
    return frozenset(n.slice.value if isinstance(n, ast.Subscript) else n.args[0].value
                     for n in ast.walk(definition) if _dict_key_read(n))


def _parameter_edits(node: ast.AST, parents: list[ast.AST]):
    """A parameter's name where a number is written: an int, or every int of one value in a tuple of
    ints (np.pad's (1, 1), or ((0, 0), (0, 0), (1, 1), (1, 1))), made the name of each value the function
    read from a parameter dict's key. Not in an index or an axis; nor in a loop's bound or a new
    array's shape, where a parameter that is no size (a seed) would run long or fill the memory. A fix
    must make the result right on two draws and the public cases, so a name that is no size makes none."""
    if not parents or not isinstance(parents[0], ast.FunctionDef) or _in_size_call(parents):
        return
    if _int_leaves(parents[-1]) is not None:
        return      # an item of a tuple of ints: the tuple's edit changes it
    leaves = _int_leaves(node)
    if not leaves or one_change._shape_index(parents) or _an_index(node, parents):
        return
    for value in sorted({leaf.value for leaf in leaves if leaf.value >= 1}):
        for name in sorted(_parameter_values(parents[0])):
            yield "parameter", _with_name(node, value, name), "constant_off", f"{name} for {value}{_PARAMETER_SAYS}"


def _size_literal_edits(node: ast.AST, parents: list[ast.AST]):
    """An input's size where a size is written as a number (round 25: np.arange(10) for the classes of an
    svm, which fits C = 10 only): an int of 2 or more given as a size (_size_argument: a range's stop, a
    new array's shape or an item of it, a tile's or a repeat's count), made each `p.shape[k]`
    the function reads of its own parameters (directly, or unpacked: N, D = x.shape). Bounded by the
    inputs' sizes, so made in a loop's range and a new array's shape too. A new array's whole shape written
    as numbers (round 26: np.zeros((500, 10)) for an svm's dx) is made `p.shape` of each such parameter p:
    one edit for every size of it."""
    if isinstance(node, ast.Tuple) and parents and isinstance(parents[0], ast.FunctionDef) \
            and isinstance(parents[-1], ast.Call) and _size_argument(parents[-1]) is node \
            and one_change._called(parents[-1]) in ("zeros", "ones", "empty", "full") and len(node.elts) > 1 \
            and all(isinstance(e, ast.Constant) and type(e.value) is int and e.value >= 1 for e in node.elts) \
            and any(e.value >= 2 for e in node.elts):
        for name in sorted({name for name, _ in _input_sizes(parents[0])}):
            read = ast.Attribute(ast.Name(name, ast.Load()), "shape", ast.Load())
            yield "parameter", read, "constant_off", f"{name}.shape for {ast.unparse(node)}{_SIZE_SAYS}"
        return
    if not (isinstance(node, ast.Constant) and type(node.value) is int and node.value >= 2 and parents
            and isinstance(parents[0], ast.FunctionDef)):
        return
    holder = parents[-1]
    if isinstance(holder, ast.Tuple) and len(parents) > 1:
        holder = parents[-2]
    size = _size_argument(holder) if isinstance(holder, ast.Call) else None
    if size is None or not (size is node or isinstance(size, ast.Tuple) and any(e is node for e in size.elts)):
        return
    for name, axis in _input_sizes(parents[0]):
        read = ast.Subscript(ast.Attribute(ast.Name(name, ast.Load()), "shape", ast.Load()), ast.Constant(axis),
                             ast.Load())
        yield "parameter", read, "constant_off", f"{name}.shape[{axis}] for {node.value}{_SIZE_SAYS}"


def _size_argument(call: ast.Call) -> ast.AST | None:
    """The argument of a call that is a size: a range's stop (not its start or step), a new array's shape
    (not np.full's fill value), np.tile's reps, np.repeat's count."""
    called, args = one_change._called(call), call.args
    if called in ("range", "arange") and args:
        return args[0] if len(args) == 1 else args[1]
    if called in ("zeros", "ones", "empty", "full") and args:
        return args[0]
    if called in ("tile", "repeat") and args:
        return args[-1]
    return None


@functools.lru_cache(maxsize=64)
def _input_sizes(definition: ast.FunctionDef) -> tuple[tuple[str, int], ...]:
    """The (parameter, axis) of each p.shape[k] the function reads, and of each name unpacked from a
    parameter's shape (N, D = x.shape), sorted."""
    parameters = {a.arg for a in definition.args.args}

    def shape_of(node: ast.AST) -> str | None:
        if isinstance(node, ast.Attribute) and node.attr == "shape" and isinstance(node.value, ast.Name) \
                and node.value.id in parameters:
            return node.value.id
        return None
    found = set()
    for node in ast.walk(definition):
        if isinstance(node, ast.Subscript) and shape_of(node.value) and isinstance(node.slice, ast.Constant) \
                and type(node.slice.value) is int and node.slice.value >= 0:
            found.add((shape_of(node.value), node.slice.value))
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Tuple) \
                and shape_of(node.value):
            found |= {(shape_of(node.value), k) for k, item in enumerate(node.targets[0].elts)
                      if isinstance(item, ast.Name)}
    return tuple(sorted(found))


def _an_index(node: ast.AST, parents: list[ast.AST]) -> bool:
    """The node indexes an array: x[1], or one item of x[:, 1] (a slice's bounds are no index)."""
    parent = parents[-1]
    if isinstance(parent, ast.Tuple) and len(parents) > 1:
        node, parent = parent, parents[-2]
    return isinstance(parent, ast.Subscript) and parent.slice is node


def _int_leaves(node: ast.AST) -> list[ast.Constant] | None:
    """The ints of an int, or of a tuple (of tuples) of ints only; None for anything else."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return [node]
    if isinstance(node, ast.Tuple) and node.elts:
        leaves = [_int_leaves(e) for e in node.elts]
        return None if None in leaves else [leaf for items in leaves for leaf in items]
    return None


def _with_name(node: ast.AST, value: int, name: str) -> ast.AST:
    """`node` with each int equal to `value` made the name."""
    if isinstance(node, ast.Tuple):
        return ast.Tuple([_with_name(e, value, name) for e in node.elts], ast.Load())
    return ast.Name(name, ast.Load()) if node.value == value else node


def _in_size_call(parents: list[ast.AST]) -> bool:
    """Inside a loop's bounds, a new array's shape or an axis."""
    return any(isinstance(parent, ast.Call) and one_change._called(parent) in _SIZE_CALLS
               or isinstance(parent, ast.keyword) and parent.arg in ("axis", "axes", "keepdims") for parent in parents) \
        or any(isinstance(parent, ast.For) and child is parent.iter for parent, child in zip(parents, parents[1:]))


_SIZE_CALLS = {"range", "arange", "zeros", "empty", "ones", "full", "zeros_like", "empty_like", "ones_like",
               "full_like", "tile", "repeat"}


@functools.lru_cache(maxsize=64)
def _parameter_values(definition: ast.FunctionDef) -> frozenset[str]:
    """The names the function assigns from a parameter dict's key (pad = conv_param['pad'], also in a
    tuple assignment, or with .get) and uses as numbers only: never indexed, nor an attribute read."""
    found = set()
    for node in ast.walk(definition):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        pairs = zip(target.elts, value.elts) if isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) \
            and len(target.elts) == len(value.elts) else [(target, value)]
        found |= {t.id for t, v in pairs if isinstance(t, ast.Name) and _dict_key_read(v)}
    used_as_array = {n.value.id for n in ast.walk(definition)
                     if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.value, ast.Name)}
    return frozenset(found - used_as_array)


def _dict_key_read(node: ast.AST) -> bool:
    """d['key'] or d.get('key', ...), d a name."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant) \
            and isinstance(node.slice.value, str)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" \
        and isinstance(node.func.value, ast.Name) and bool(node.args) and isinstance(node.args[0], ast.Constant) \
        and isinstance(node.args[0].value, str)


def _extent(item: ast.AST) -> str | None:
    """The size name a slice adds to its start, start:start + size (None for anything else)."""
    if isinstance(item, ast.Slice) and isinstance(item.upper, ast.BinOp) and isinstance(item.upper.op, ast.Add) \
            and isinstance(item.upper.right, ast.Name) and item.step is None:
        return item.upper.right.id
    return None


def _with_extent(item: ast.Slice, name: str) -> ast.Slice:
    return ast.Slice(item.lower, ast.BinOp(item.upper.left, ast.Add(), ast.Name(name, ast.Load())), None)


def _list_used_as_index(node: ast.AST, parents: list[ast.AST]) -> bool:
    """A list of two or more index sequences (ranges, arrays) used as one subscript, x[[range(N), y]],
    directly or through the name it is assigned to: NumPy reads it as an array index into the first
    axis, where a tuple indexes one axis each (correct_class_index = [range(N), y] in a real svm)."""
    if not isinstance(node, ast.List) or len(node.elts) < 2 or not parents \
            or any(isinstance(e, (ast.Constant, ast.Starred, ast.Slice)) for e in node.elts):
        return False
    parent = parents[-1]
    if isinstance(parent, ast.Subscript) and parent.slice is node:
        return True
    if isinstance(parent, ast.Assign) and parent.value is node and len(parent.targets) == 1 \
            and isinstance(parent.targets[0], ast.Name):
        name = parent.targets[0].id
        return any(isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Name) and n.slice.id == name
                   for n in ast.walk(parents[0]))
    return False


# Number types too small for a count or a sum over a class axis: int8 holds -128 to 127.
_NARROW = {"int8", "int16", "uint8", "uint16", "float16"}


def _narrow_type(node: ast.AST) -> str | None:
    """The small number type a node names: np.int8 (numpy.int8), or 'int8' given as a dtype."""
    if isinstance(node, ast.Attribute) and node.attr in _NARROW and isinstance(node.value, ast.Name) \
            and node.value.id in ("np", "numpy"):
        return node.attr
    if isinstance(node, ast.Constant) and node.value in _NARROW:
        return node.value
    return None


_ACROSS = {"h": "w", "w": "h", "H": "W", "W": "H"}
_WORDS = (("height", "width"), ("row", "col"), ("Height", "Width"), ("Row", "Col"))


@functools.lru_cache(maxsize=64)
def _counterparts(definition: ast.FunctionDef) -> dict[str, frozenset[str]]:
    """Each size name's counterpart in the other direction of an image, among the function's sizes:
    H_out and W_out, HH and WW, pool_height and pool_width, and the loop counters running over them
    (i over range(H_out), j over range(W_out)). Only these are swapped: any size for any other
    would be hundreds of versions, and the slip is the height's for the width's."""
    sizes = one_change._size_names(definition)

    def across(name: str) -> str:
        return _word_across(name) or "".join(_ACROSS.get(ch, ch) for ch in name)
    pairs = {name: {across(name)} & sizes - {name} for name in sizes}
    bounds = {}
    for loop in (n for n in ast.walk(definition) if isinstance(n, ast.For)):
        call = loop.iter
        if isinstance(loop.target, ast.Name) and isinstance(call, ast.Call) and one_change._called(call) == "range" \
                and call.args:
            bound = ast.unparse(call.args[-1] if len(call.args) < 3 else call.args[1])
            bounds.setdefault(bound, set()).add(loop.target.id)
    for bound, counters in bounds.items():
        for other in bounds.get(across(bound), ()) if across(bound) != bound else ():
            for counter in counters:
                if other != counter:
                    pairs.setdefault(counter, set()).add(other)
    return {name: frozenset(others) for name, others in pairs.items() if others}


def _eps_name(definition: ast.AST) -> str | None:
    """The function's name for epsilon, if it has one (a parameter or a variable it assigns)."""
    if not isinstance(definition, ast.FunctionDef):
        return None
    names = one_change._local_names(definition)
    return next((name for name in sorted(names) if name.lower() in ("eps", "epsilon")), None)


def _fix(change: one_change.Change, definition: ast.FunctionDef, lines: list[str]) -> Fix | None:
    tree = change.tree
    if tree is None:
        return None
    path, replacement = change.edits[0]
    node = _node_at(definition, list(path))
    line_number = getattr(node, "lineno", None)
    if line_number is None or not 0 < line_number <= len(lines):
        return None
    if replacement is None:
        before, after = _text(node), None
    else:
        before, after = _shortened(_text(node), _text(replacement))
    rank = one_change._RANKS[change.rank]
    # the same edit made everywhere it can be (one_change.changes_in) is the same slip: its own advice too
    says = change.says.removesuffix(one_change.EVERYWHERE_SAYS)
    said = next((suffix for suffix in _OWN_ADVICE if says.endswith(suffix)), None)
    advice, undoes = _OWN_ADVICE[said] if said else (one_change.ADVICE[rank], None)
    if isinstance(node, ast.AugAssign) and isinstance(replacement, ast.Assign):
        advice = ADDS_ADVICE        # their code adds where it should set: not "+=, not ="
    sites = ()
    if change.says.endswith((_UNRAVEL_SAYS, _PAIR_SAYS)):
        numbers = sorted({_node_at(definition, list(path)).lineno for path, _ in change.edits})
        sites = tuple(lines[n - 1].strip() for n in numbers if 0 < n <= len(lines))
    return Fix(change.function, change.kind, advice, lines[line_number - 1].strip(), before, after,
               len(change.edits) > 1 and not sites, ast.unparse(ast.fix_missing_locations(tree)),
               _feeds(definition, line_number), adds_eps=said == _EPS_SAYS, undoes=undoes, sites=sites,
               exchanged=change.says.endswith(_PAIR_SAYS))


def _feeds(definition: ast.FunctionDef, line: int) -> tuple[int, ...]:
    """The positions in the function's last return statement of the names that the statement on
    `line` flows into (row = k // H_out feeds dx through dx[...] += ... row ...)."""
    reached: set[str] = set()
    statements = sorted(_simple_statements(definition), key=lambda node: node.lineno)
    for node in statements:
        reads = {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        if node.lineno <= line <= node.end_lineno or reads & reached:
            reached |= _written(node)
    returns = one_change._returns(definition)
    names = returns[-1] if returns else ()
    return tuple(k for k, name in enumerate(names) if name in reached)


def _written(statement: ast.stmt) -> set[str]:
    """The names a statement assigns or writes into (dx in dx[i] += ...)."""
    targets = statement.targets if isinstance(statement, ast.Assign) else \
        [statement.target] if isinstance(statement, (ast.AugAssign, ast.AnnAssign)) else []
    written = set()
    for target in targets:
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        written |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return written


def _text(node: ast.AST) -> str:
    """The node's source; a new node gets the locations unparse needs (on a copy: it may be shared)."""
    return ast.unparse(node if hasattr(node, "lineno") else ast.fix_missing_locations(copy.deepcopy(node)))


def _node_at(definition: ast.FunctionDef, path: list) -> ast.AST:
    node: ast.AST = definition
    for field, index in path:
        value = getattr(node, field)
        node = value[index] if index is not None else value
    return node


def _shortened(before: str, after: str) -> tuple[str, str]:
    """The two fragments, cut to the part that differs (with a word or two around it) when they are
    long. The common start and end never overlap: a term left out (`a + b` to `a`) keeps `+ b`."""
    if max(len(before), len(after)) <= MAX_SHOWN:
        return before, after
    shorter = min(len(before), len(after))
    prefix = 0
    while prefix < shorter and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < shorter - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    # one word of context on each side, cut where a space is
    start = before.rfind(" ", 0, prefix)
    start = max(before.rfind(" ", 0, start), 0) if start > 0 else 0
    stop = before.find(" ", len(before) - suffix)
    stop = before.find(" ", stop + 1) if stop >= 0 else -1
    tail = 0 if stop < 0 else min(len(before) - stop, suffix)

    def cut(text: str) -> str:
        return ("..." if start else "") + text[start:len(text) - tail].strip() + ("..." if tail else "")
    return cut(before), cut(after)
