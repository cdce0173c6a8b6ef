"""What an exercise is: one declaration of everything the grader knows about a graded function pair.

An exercise is a forward/backward pair (or a loss that returns its own gradient). Its declaration
says which student functions it has and how they are called, which inputs are differentiable and
which are extras, how to draw inputs for a shape configuration, and the exercise's own knowledge:
the extra checks it needs (numerical stability, conventions at kinks, state kept between calls)
with their inputs, and hints for shape and exception problems. The checks, the diagnosis and the
case drawing are generic and read these fields; they never branch on an exercise's name.

A declaration has two halves. `Exercise` (in the course's exercises/<assignment>/assignment.py)
is what a student may see: it ships in a release. `Hidden` (in reference/<assignment>/hidden.py)
is the instructor's: hidden shape configurations, known mistakes computed from the reference's own
intermediate values, and chain-rule paths. It never leaves the instructor's course.

Shape configurations are plain data (dicts), shared by public cases, hidden cases and the tests.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

import numpy as np

if TYPE_CHECKING:   # the types a declaration's callables receive and return
    from ..results import Finding

# make_inputs(rng, config) -> (arrays, extras): arrays in argument order, extras after them.
InputMaker = Callable[[np.random.Generator, dict], tuple[dict[str, np.ndarray], tuple]]


@dataclass(frozen=True)
class Extreme:
    """One input on which a numerically careless implementation breaks: `plant(case)` returns the
    case's arrays with extreme values planted (new arrays, the case's own untouched); `label` is
    appended to the case's label. A failure on a later extreme (not the first) gets that extreme's
    own `hint` and `mistake` (e.g. log-sum-exp after the max shift); with `only_if_not_finite`, only
    when the result is NaN or inf (a hint that says "the loss is inf" must not explain a finite one)."""
    plant: Callable[["Case"], dict[str, np.ndarray]]
    label: str = " with extreme values"
    hint: str | None = None
    mistake: str | None = None
    only_if_not_finite: bool = False

    def explains(self, finding) -> bool:
        """Whether this extreme's hint is the one for `finding` (a failure on this extreme)."""
        return self.hint is not None and (not self.only_if_not_finite or "NaN or inf" in finding.output)


def constant_at(where: Callable[["Case"], object], value: float = 1.5) -> Callable[["Case"], dict[str, np.ndarray]]:
    """An Extreme's plant: the case's arrays with x[where(case)] all `value`, so that the values a
    normalisation takes statistics over there have zero variance and only eps keeps 1 / sqrt(var + eps)
    finite (a feature, an example, a channel, a group, as `where` indexes)."""
    def plant(case: "Case") -> dict[str, np.ndarray]:
        arrays = {k: v.copy() for k, v in case.arrays.items()}
        arrays["x"][where(case)] = value
        return arrays
    return plant


@dataclass(frozen=True)
class Stability:
    """The stability check: large or degenerate inputs must give finite, correct results.
    `hint` and `mistake` name the usual fix when a result is NaN or inf (also used as the hint for
    a NaN in the ordinary checks)."""
    extremes: tuple[Extreme, ...]
    hint: str
    mistake: str


@dataclass(frozen=True)
class Convention:
    """The check of a convention at a kink, tested exactly (numerical gradients stay away from it).
    `plant(case)` returns arrays with kinks planted (exact zeros, exact ties); `judge(case, grads)`
    returns a Finding about the student's gradients there (grads have the inputs' shapes)."""
    plant: Callable[["Case"], dict[str, np.ndarray]]
    judge: Callable[["Case", tuple[np.ndarray, ...]], "Finding"]


@dataclass(frozen=True)
class State:
    """State kept between forward calls in a parameter dict (batchnorm's running statistics).

    The forward is called on `sequence(case)`: a list of (arrays, mode), the calls sharing one
    parameter dict (argument `param` of the forward) as a training loop does; `modes[0]` updates
    the state, any other mode uses it. After each updating call, param[key] for `keys` must equal
    the reference's; the last call's output must equal the reference's, given the reference's
    state. `settings` are the extra entries of the parameter dict, one run per settings dict.
    `diagnose_state(key, value, before, arrays, settings, expected)` and
    `diagnose_output(out, arrays, param, expected)` return (hint, mistake) for a wrong value.
    `fresh`: a mode that must also work on a dict without the state (the keys' defaults, as the
    starter reads them: test mode before any training), called on the last call's arrays;
    `fresh_hint` and `fresh_mistake` are what a wrong output there is told."""
    param: str
    keys: tuple[str, ...]
    sequence: Callable[["Case"], list[tuple[tuple[np.ndarray, ...], str]]]
    settings: tuple[dict, ...]
    diagnose_state: Callable[..., tuple[str, str]]
    diagnose_output: Callable[..., tuple[str, str]]
    fresh: str | None = None
    fresh_hint: str = ""
    fresh_mistake: str | None = None


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer, computed on the case's own inputs (and the reference's intermediate
    values): a student whose `of` ("out", "loss", "dx", "dw", ...) equals `value(case)` gets `hint`
    and the mistake id `id` (described in its Hidden's mistake_ids, unless a generic id).
    `when(case)` limits it to cases where it differs from the right answer (e.g. an eps that is not
    the default)."""
    id: str
    of: str
    hint: str
    value: Callable[["Case"], np.ndarray]
    when: Callable[["Case"], bool] | None = None


@dataclass(frozen=True)
class Path:
    """One chain-rule path of a gradient: its share of the reference gradient on a case."""
    name: str             # "the path through the batch mean"
    value: np.ndarray     # this path's share of the reference gradient
    missing_hint: str     # what that path is, for a student whose gradient lacks it
    mistake: str          # the id when this path is wrong (missing, sign, factor)
    missing_mistake: str | None = None   # a more specific id when it is missing altogether


@dataclass(frozen=True)
class Rejection:
    """An argument the forward must refuse with an exception, as its docstring says: `replace(case)`
    -> {extra's name: the forbidden value} (bn_param with mode 'validation'); `exception` is the
    exception's type name; `what` says what was passed, in words a student reads; `hint` and
    `mistake` are for a forward that accepts it (or raises something else)."""
    replace: Callable[["Case"], dict]
    exception: str
    what: str
    hint: str
    mistake: str


@dataclass(frozen=True)
class ChainRule:
    """A gradient that is a sum of paths (`paths(case)`, the first one the direct path). When only
    the direct path is there, `only_direct` = (mistake, hint opening) names that case.
    `per_column`: the gradient's columns are independent (batchnorm's features), so a path may be
    wrong by a factor that differs from column to column (a per-feature gamma or 1 / std missing or
    extra); the paths are then also fitted one column at a time. `per_example` = (mistake, hint) names
    a gradient whose row i uses dout's row i alone (proven by running the student's backward with only
    dout's first, then only its last, row changed: grader.checks.dout_linearity.per_example), where
    the right one gathers dout over the batch (batchnorm's paths through the mean and variance)."""
    paths: Callable[["Case"], list[Path]]
    only_direct: tuple[str, str] | None = None
    per_column: bool = False
    per_example: tuple[str, str] | None = None


@dataclass(frozen=True)
class Hidden:
    """The instructor's half of a declaration: never shipped to students.

    `configs(rng)` draws one main shape configuration (called `cases` times, from one generator);
    `edges` are edge configurations only the hidden set checks (the public ones come from
    public_cases.json); `work` are configurations large enough that a backward doing work per input
    element (central differences through a copy of the forward, which no call count sees) cannot
    finish in the per-call deadline, while a backward by hand takes milliseconds: the public gradient
    check runs them last wherever hidden checks run (`grade validate` times the reference on them).
    Shape them so that an honest backward that is quadratic in a normalised axis still finishes (a
    student's explicit per-feature Jacobian, N x N x D for batchnorm: a short batch of many
    features), while central differences, quadratic in every input element, cannot. `exact` is for an
    elementwise function (a diagonal Jacobian), whose central differences perturb every element at once
    in two forward calls, so that no work bound sees them: its float64 gradients must match the
    reference to rounding (grader.checks.gradients.EXACT_RTOL), which a formula does and finite
    differences cannot. `mistakes` and `chain_rule` name wrong answers, with the ids they give
    described in `mistake_ids` ({id: meaning}, for the dashboard's catalogue)."""
    configs: Callable[[np.random.Generator], dict]
    edges: tuple[dict, ...] = ()
    work: tuple[dict, ...] = ()
    exact: bool = False
    mistakes: tuple[Mistake, ...] = ()
    chain_rule: dict[str, ChainRule] = field(default_factory=dict)
    mistake_ids: dict[str, str] = field(default_factory=dict)
    cases: int = 3


@dataclass(frozen=True)
class Exercise:
    """The student-visible half of a declaration (see the module docstring)."""
    name: str                     # "affine"
    forward: str                  # "affine_forward" (for a loss: "softmax_loss")
    backward: str | None          # "affine_backward"; None when the forward returns its gradient
    arrays: tuple[str, ...]       # differentiable inputs, in argument order
    make_inputs: InputMaker
    assignment: str = ""          # set by the catalogue from the folder the declaration is in
    extras: tuple[str, ...] = ()  # the other arguments by name (labels, axes, dicts, integer indices)
    # The forward's parameters in call order, when it is not the arrays then the extras
    # (word_embedding_forward(x, W): extras=("x",), arrays=("W",), signature=("x", "W")).
    signature: tuple[str, ...] = ()
    # A layer's outputs, when it has several: lstm_step_forward returns (next_h, next_c, cache) and
    # its backward takes (dnext_h, dnext_c, cache). Default: one output, "out".
    outputs: tuple[str, ...] = ()
    # The first array's axis 0 is the batch: results averaged over it can be off by N.
    batched: bool = False
    # Inputs the forward broadcasts into its output (their gradients sum dout over those axes).
    broadcast: tuple[str, ...] = ()
    # describe(extras) -> text appended to a case's label (shapes only, never values).
    describe: Callable[[tuple], str] | None = None
    stability: Stability | None = None
    convention: Convention | None = None
    state: State | None = None
    # Parameter dicts the forward only reads (layernorm's ln_param, for its eps): one the forward
    # writes into (a key added, changed or removed) fails the input-mutation check. The caller keeps
    # passing the same dict (CS231n's FullyConnectedNet does, call after call), so what is left in it
    # changes the next call.
    read_only: tuple[str, ...] = ()
    # Arguments the forward must refuse (a small-weight check of their own, "invalid arguments").
    rejects: tuple[Rejection, ...] = ()
    # error_hint(error, function, case) -> (hint, mistake) | None, for a student's exception whose
    # cause is this exercise's own (error is {"type", "message", "traceback"}; case may be None).
    error_hint: Callable[[dict, str, "Case | None"], tuple[str, str] | None] | None = None
    # A ValueError about shapes is answered with the shapes a matrix product needs (affine).
    shape_puzzle: bool = False
    # output_shape(out_shape, expected, kind, case) -> (hint, mistake) | None: this exercise's own
    # reading of a forward output of the wrong shape (case may be None when only shapes are known).
    output_shape: Callable[[tuple, tuple, str, "Case | None"], tuple[str | None, str | None] | None] | None = None
    # gradient_shape(grad_name, grad_shape, input_name, input_shape) -> (hint, kind) | None; a kind that
    # is no value kind (grader.diagnosis.mistake_ids.VALUE_KINDS) is the exercise's own mistake id
    gradient_shape: Callable[[str, tuple, str, tuple], tuple[str, str] | None] | None = None
    # accepts(case, what, out) -> bool: a forward output that is not the reference's and is right all
    # the same: another valid draw of a stochastic forward (dropout's mask from another random
    # stream, or with the other meaning of p). Its backward is then judged against the numerical
    # gradient of the student's own forward, which is how "the backward uses the forward's mask" is
    # checked.
    accepts: Callable[["Case", str, np.ndarray], bool] | None = None
    # output_reading(case, what, out) -> (hint, mistake) | None: a wrong forward output read from its
    # structure, for one no value can be compared with: a stochastic forward's mistake under another
    # random stream (dropout's kept units not divided by p, whatever mask drew them).
    output_reading: Callable[["Case", str, np.ndarray], tuple[str, str] | None] | None = None
    # (hint, mistake) for a wrong gradient that nothing more specific explains.
    gradient_fallback: tuple[str, str] | None = None
    # mirror(config) -> the same configuration with its two spatial axes exchanged (x's H and W, the
    # kernel's HH and WW). A fix of a student's code that swaps one size for its counterpart can be
    # right on every case it was tried on and wrong in general (an index formula that needs WW, told
    # to use HH on a 1 x 2 kernel); on the failing case's mirror such a fix is wrong.
    mirror: Callable[[dict], dict] | None = None
    # {id: meaning} of the mistake ids this half can give (its checks' and hooks' own): the
    # dashboard's and the README's catalogue. A published id never changes meaning.
    mistake_ids: dict[str, str] = field(default_factory=dict)
    hidden: Hidden | None = None  # the instructor's half; None in a student's release

    @property
    def is_loss(self) -> bool:
        return self.backward is None

    @property
    def functions(self) -> tuple[str, ...]:
        return (self.forward,) if self.backward is None else (self.forward, self.backward)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The forward's parameters in call order."""
        return self.signature or (*self.arrays, *self.extras)

    @property
    def extra_checks(self) -> frozenset[str]:
        """The extra checks this exercise declares, by name ("stability", "convention", "state", "rejects")."""
        declared = {"stability": self.stability, "convention": self.convention, "state": self.state,
                    "rejects": self.rejects or None}
        return frozenset(name for name, spec in declared.items() if spec is not None)

    def gradient_names(self) -> tuple[str, ...]:
        return tuple("d" + name for name in self.arrays)

    @property
    def output_names(self) -> tuple[str, ...]:
        """What the forward returns before its cache ("out"; a loss: "loss")."""
        return ("loss",) if self.is_loss else (self.outputs or ("out",))

    @property
    def upstream_names(self) -> tuple[str, ...]:
        """The backward's arguments before the cache: the outputs' upstream gradients."""
        return tuple("d" + name for name in self.output_names) if not self.is_loss else ()

    def value_names(self) -> tuple[str, ...]:
        """The names of every result a mistake can be about: the outputs, then the gradients."""
        return (*self.output_names, *self.gradient_names())


_IMMUTABLE = (int, float, bool, str, type(None))


@dataclass
class Case:
    """One set of inputs for an exercise. `label` describes shapes only, never values. A config's
    "python_floats" lists 0-d inputs passed as plain Python floats (the gates' API allows them)."""
    exercise: Exercise
    config: dict
    arrays: dict[str, np.ndarray]
    extras: tuple
    # The upstream gradient (None for a loss); a tuple of them, one per output, for a layer with
    # several outputs (Exercise.outputs). `douts` is always the tuple.
    dout: np.ndarray | tuple | None
    label: str
    batch_size: int | None
    work: bool = False      # a work-bound case (Hidden.work): its timeout means per-element work

    @property
    def douts(self) -> tuple[np.ndarray, ...]:
        if self.dout is None:
            return ()
        return self.dout if isinstance(self.dout, tuple) else (self.dout,)

    def args(self, **replace: np.ndarray) -> tuple:
        """Forward arguments in call order, with some arrays replaced (for perturbed calls); extras
        deep-copied (the reference's batchnorm writes its running statistics into bn_param), unless
        they are plain numbers and strings that nothing can change in place."""
        extras = self.extras
        if not all(type(extra) in _IMMUTABLE for extra in extras):
            extras = copy.deepcopy(extras)
        exercise = self.exercise
        arrays = {name: replace.get(name, value) for name, value in self.arrays.items()}
        for name in self.config.get("python_floats", ()):     # the API takes plain numbers too
            arrays[name] = float(arrays[name])
        if not exercise.signature:
            return (*arrays.values(), *extras)
        by_name = {**dict(zip(exercise.extras, extras)), **arrays}
        return tuple(by_name[name] for name in exercise.signature)

    def position(self, name: str) -> int:
        """Where the input `name` is in the forward's arguments."""
        return self.exercise.parameters.index(name)

    def __getitem__(self, name: str):
        """An input by name, array or extra: case["x"], case["bn_param"] (for declarations)."""
        if name in self.arrays:
            return self.arrays[name]
        return self.extras[self.exercise.extras.index(name)]

    @property
    def broadcast_inputs(self) -> list[str]:
        """Inputs that were broadcast into a bigger output (their gradient must be summed)."""
        if self.dout is None:
            return []
        return [n for n in self.exercise.broadcast if self.arrays[n].shape != self.douts[0].shape]


def describe_shapes(arrays: dict[str, np.ndarray], extras_note: str = "") -> str:
    text = ", ".join(f"{name} {tuple(a.shape)}" for name, a in arrays.items())
    return f"{text}{extras_note}"


def either(*readers: Callable) -> Callable:
    """An error_hint made of several: each reader is asked in turn, the first reading found is given."""
    def read(error, function, case):
        return next((found for found in (reader(error, function, case) for reader in readers) if found), None)
    return read
