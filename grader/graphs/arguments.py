"""What a student's node function asks for: its parameter names, read from the source without
running it (the grader passes each node function the values it names, by name)."""
from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class Signature:
    names: tuple[str, ...]          # parameters the caller must fill, in order
    optional: tuple[str, ...] = ()  # parameters with a default: filled when the name is known
    takes_all: bool = False         # **kwargs: every known value is passed
    not_a_function: bool = False    # bound to a value (`dprobs = dlogprobs / probs`, Karpathy's style)


def signatures(source: bytes | str) -> dict[str, Signature]:
    """The signature of every function the module binds at top level (the last binding wins, as at
    import): `def f(...)` and `f = lambda ...`."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return {}
    found: dict[str, Signature] = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = _signature(node.args)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = (_signature(node.value.args) if isinstance(node.value, ast.Lambda)
                                        else Signature((), not_a_function=True))
    return found


def _signature(args: ast.arguments) -> Signature:
    positional = [a.arg for a in (*args.posonlyargs, *args.args)]
    with_default = len(args.defaults)
    required = positional[:len(positional) - with_default] if with_default else positional
    optional = positional[len(positional) - with_default:] if with_default else []
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        (optional if default is not None else required).append(arg.arg)
    return Signature(tuple(required), tuple(optional), args.kwarg is not None)
