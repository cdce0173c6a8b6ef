"""A made-up class that behaves like a real one, as plain data (no database): who is in it, and
what each student submits when.

Each student has a skill. On each assignment they start some time before the due date (most of
them late, so submissions pile up at the deadline), submit code with a few of the class's usual
mistakes and maybe unfinished functions, and fix them over their attempts; weaker students give
up with mistakes left, a few finish after the deadline (late, with the penalty) and a few never
submit. Times are in the course's time zone's waking hours, mostly. An assignment due in the
future has only the submissions made before now. Everything follows from the seed.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import material

TIMEZONE = "America/Los_Angeles"
HOUR = timedelta(hours=1)

FIRST_NAMES = """Aaliyah Aarav Abdul Adaeze Aditi Ahmed Aiko Alejandro Alexei Amara Amelia Ana Andrei Anh Anika
Arjun Astrid Ayesha Beatriz Benjamin Bilal Camila Carlos Chen Chiara Chidi Chloe Daniel Dmitri Elena Elif
Emeka Emily Emma Ethan Fatima Felix Freya Gabriel Giulia Hana Hannah Hiroshi Ibrahim Ingrid Isabella Ivan
Jamal Javier Ji-woo Jonas Jose Julia Kai Kavya Kenji Kofi Lars Layla Leila Leo Liam Lina Lucas Luca Mai
Marcus Maria Mateo Maya Mei Mohammed Nadia Naomi Nikhil Noah Nora Olivia Omar Oscar Pablo Priya Rafael Ravi
Rosa Ruth Sakura Samuel Sara Sebastian Seo-yeon Shreya Sofia Tariq Thanh Tomas Valentina Wei Yara Yusuf Zainab
Zoe""".split()
LAST_NAMES = """Abdi Adeyemi Agarwal Ahmadi Alvarez Andersen Bakker Banerjee Becker Bianchi Brown Carvalho Chen
Cohen Costa Dubois Eriksson Fernandez Fischer Garcia Gonzalez Gupta Haddad Hansen Hernandez Hoang
Hussain Ibrahim Ivanova Jackson Jensen Johnson Kaur Kim Kowalski Kumar Larsen Lee Li Lim Lopez Martin
Martinez Mendes Mensah Meyer Mohamed Moreau Morales Müller Nakamura Nguyen Novak Nowak Okafor Oliveira Olsen
Ortiz Park Patel Perez Petrov Popescu Rahman Ramos Reddy Rossi Sanchez Santos Sato Schmidt Shah Silva Singh
Smith Sousa Suzuki Tanaka Taylor Thompson Tran Wang Williams Wilson Wong Yamamoto Yang Yilmaz Zhang Zhou""".split()

# How often a class makes each known mistake, relative to 1 (the rest): the classics of CS231n-style
# backprop homework are common, float32 slips and odd ones rare.
COMMON = {
    "gates_add_no_unbroadcast": 6, "gates_mul_backward_swapped": 5, "gates_pow_db_no_log": 5,
    "gates_sum_backward_no_expand_dims": 5, "gates_pow_da_exponent": 4, "gates_max_double_count_ties": 4,
    "gates_unbroadcast_no_leading_axes": 3, "gates_sum_backward_tuple_axis": 3, "gates_exp_backward_ignores_dout": 3,
    "gates_unbroadcast_mean": 2, "gates_max_np_max": 2, "gates_sum_forward_ignores_keepdims": 2,
    "layers_affine_db_axis1": 6, "layers_softmax_dx_no_divide_n": 6, "layers_affine_dx_no_reshape": 5,
    "layers_batchnorm_backward_no_mean_var_paths": 5, "layers_affine_dw_transposed": 4,
    "layers_sigmoid_backward_dout_times_s": 4, "layers_softmax_no_max_subtraction": 4,
    "layers_affine_dx_no_transpose": 3, "layers_relu_backward_ignores_dout": 3, "layers_softmax_loss_no_mean": 3,
    "layers_batchnorm_backward_no_var_path": 3, "layers_batchnorm_unbiased_var": 3,
    "layers_batchnorm_test_uses_batch_stats": 3, "layers_affine_db_keepdims": 2, "layers_affine_forward_no_bias": 2,
    "layers_relu_backward_mask_from_dout": 2, "layers_relu_forward_inplace": 2, "layers_relu_backward_dx_is_dout": 2,
    "layers_softmax_dx_sign": 2, "layers_softmax_log_of_probs": 2, "layers_batchnorm_backward_mean_path_sign": 2,
    "layers_batchnorm_running_not_stored": 2, "layers_batchnorm_eps_outside_sqrt": 2,
    "layers_batchnorm_momentum_swapped": 2, "layers_batchnorm_forward_keyerror": 2,
}
RARE = ("float32", "mutates_cache", "nameerror", "transpose_to_fit", "reshape_not_transpose")


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    role: str                      # student, ta, instructor
    student_number: str | None = None
    skill: float = 0.5             # 0..1


@dataclass(frozen=True)
class AssignmentPlan:
    slug: str
    exercise: str
    title: str
    points: float
    opens_at: datetime
    due_at: datetime
    late_days: int = 2
    late_penalty: float = 10.0
    limit: int | None = 20


@dataclass(frozen=True)
class Attempt:
    email: str
    slug: str
    at: datetime
    filename: str
    content: bytes
    bugs: tuple[str, ...]          # the Bug names in it
    unfinished: tuple[str, ...]    # functions still raising NotImplementedError
    via: str = "web"               # web, or api (`grade submit`)


@dataclass
class ClassPlan:
    code: str
    title: str
    timezone: str
    domain: str                    # every demo account's email ends with @domain
    people: list[Person]
    assignments: list[AssignmentPlan]
    attempts: list[Attempt] = field(default_factory=list)     # in time order

    @property
    def instructor(self) -> Person:
        return next(p for p in self.people if p.role == "instructor")


def email_domain(code: str) -> str:
    slug = "".join(c if c.isalnum() else "-" for c in code.lower()).strip("-") or "demo"
    return f"{slug}.example.org"      # example.org is reserved: nobody is ever mailed


def plan_class(*, code: str, students: int, max_attempts: int, seed: int, now: datetime) -> ClassPlan:
    """The whole class for `seed`: the same arguments give the same class (but for `now`)."""
    rng = random.Random(seed)
    domain = email_domain(code)
    people = roster(rng, students, domain)
    assignments = schedule(now)
    plan = ClassPlan(code, "Neural networks: backprop (demo)", TIMEZONE, domain, people, assignments)
    for person in people:
        for assignment in assignments:
            if person.role == "student":
                plan.attempts += student_attempts(rng, person, assignment, max_attempts, now)
            elif person.role == "instructor" or rng.random() < 0.5:
                plan.attempts += staff_attempts(rng, person, assignment, now)
    plan.attempts.sort(key=lambda attempt: attempt.at)
    return plan


def roster(rng: random.Random, students: int, domain: str) -> list[Person]:
    """An instructor, two TAs and `students` students with distinct names and emails."""
    taken: set[str] = set()

    def person(role: str, number: str | None = None) -> Person:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = "".join(c for c in f"{first}.{last}".lower().replace(" ", "").replace("ü", "ue")
                        if c.isalnum() or c in ".-")
        email, n = f"{local}@{domain}", 1
        while email in taken:
            n += 1
            email = f"{local}{n}@{domain}"
        taken.add(email)
        return Person(f"{first} {last}", email, role, number, skill=rng.betavariate(2.2, 1.5))

    numbers = rng.sample(range(1000, 10000), students)
    return [person("instructor"), person("ta"), person("ta"),
            *(person("student", f"2026{numbers[i]}") for i in range(students))]


def _local(day: datetime, hour: int, minute: int) -> datetime:
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def schedule(now: datetime) -> list[AssignmentPlan]:
    """Gates, due three days ago (late submissions are closed by now), and layers, due tomorrow."""
    today = now.astimezone(ZoneInfo(TIMEZONE))
    gates_due = _local(today - timedelta(days=3), 23, 59)
    layers_due = _local(today + timedelta(days=1), 23, 59)
    return [AssignmentPlan("gates", "gates", "Assignment 1: gates, forward and backward", 20.0,
                           _local(gates_due - timedelta(days=14), 9, 0), gates_due),
            AssignmentPlan("layers", "layers", "Assignment 2: layers (affine, ReLU, softmax, batchnorm)", 30.0,
                           _local(layers_due - timedelta(days=14), 9, 0), layers_due)]


def _weight(bug: material.Bug) -> float:
    if bug.name in COMMON:
        return COMMON[bug.name]
    return 0.3 if any(word in bug.name for word in RARE) else 1.0


def _pick_bug(rng: random.Random, exercise: str, busy: set[str], only: str | None = None) -> material.Bug | None:
    """A mistake touching none of the functions in `busy` (and touching `only`, if given)."""
    choices = [bug for bug in material.bugs(exercise) if not busy & set(bug.functions)
               and (only is None or only in bug.functions)]
    if not choices:
        return None
    return rng.choices(choices, weights=[_weight(bug) for bug in choices])[0]


@dataclass
class _Code:
    """One student's code for one assignment as it evolves: mistakes in it, functions not done."""
    exercise: str
    bugs: list[material.Bug]
    unfinished: list[str]

    def touched(self) -> set[str]:
        return {name for bug in self.bugs for name in bug.functions} | set(self.unfinished)

    def source(self, header: str) -> str:
        replacements = {name: material.unfinished(self.exercise, name) for name in self.unfinished}
        for bug in self.bugs:
            replacements.update(bug.functions)
        return material.compose(self.exercise, replacements, header)


def first_draft(rng: random.Random, exercise: str, skill: float) -> _Code:
    code = _Code(exercise, [], [])
    graded = [name for name in material.functions(exercise) if not name.startswith(("_", "unbroadcast"))]
    if rng.random() < 0.03:
        code.unfinished = graded            # the stub, uploaded as is to see what happens
        return code
    if rng.random() < 0.08 + 0.3 * (1 - skill):
        code.unfinished = graded[-rng.randint(1, 4):]     # the last functions not done yet
    mistakes = sum(rng.random() < 0.2 + 0.5 * (1 - skill) for _ in range(5))
    for _ in range(mistakes):
        bug = _pick_bug(rng, exercise, code.touched())
        if bug is not None:
            code.bugs.append(bug)
    return code


def next_draft(rng: random.Random, code: _Code, skill: float) -> _Code:
    """What the student changes after reading the feedback: fixes some mistakes, finishes some
    functions (not always right), now and then breaks something else."""
    bugs = [bug for bug in code.bugs if rng.random() > 0.15 + 0.45 * skill]
    if len(bugs) == len(code.bugs) and bugs and rng.random() < 0.4:
        bugs.remove(rng.choice(bugs))
    new = _Code(code.exercise, bugs, [])
    for name in code.unfinished:
        if rng.random() < 0.4:
            new.unfinished.append(name)
        elif rng.random() < 0.35 * (1 - skill) + 0.1:
            bug = _pick_bug(rng, code.exercise, new.touched(), only=name)
            if bug is not None:
                new.bugs.append(bug)
    if rng.random() < 0.06:
        bug = _pick_bug(rng, code.exercise, new.touched())
        if bug is not None:
            new.bugs.append(bug)
    return new


def _awake(rng: random.Random, moment: datetime) -> datetime:
    """Few submissions between 2 and 8 in the morning: most move to the afternoon or evening."""
    local = moment.astimezone(ZoneInfo(TIMEZONE))
    if 2 <= local.hour < 8 and rng.random() < 0.85:
        return moment + timedelta(hours=rng.uniform(9, 15))
    return moment


def student_attempts(rng: random.Random, person: Person, assignment: AssignmentPlan, max_attempts: int,
                     now: datetime) -> list[Attempt]:
    """One student's submissions to one assignment, up to `now` and the end of the late window."""
    skill = min(1.0, max(0.0, person.skill + rng.gauss(0, 0.1)))
    if rng.random() < 0.04 + 0.06 * (1 - skill):
        return []                                                 # never submits
    closes = assignment.due_at + assignment.late_days * timedelta(days=1)
    window = (assignment.due_at - assignment.opens_at) / HOUR
    if rng.random() < 0.05:
        lead = -rng.uniform(0.5, 24 * assignment.late_days - 1)    # starts after the deadline
    elif rng.random() < 0.15 + 0.25 * skill:
        lead = rng.uniform(0, window - 1)                          # an early bird
    else:
        lead = min(rng.expovariate(1 / (6 + 30 * skill)), window - 1)
    at = _awake(rng, assignment.due_at - lead * HOUR)
    notebook = rng.random() < 0.2
    filename = f"{assignment.exercise}.ipynb" if notebook else rng.choice(
        [f"{assignment.exercise}.py"] * 6 + [f"hw_{assignment.exercise}.py", f"{assignment.exercise} (1).py"])
    via = "api" if not notebook and rng.random() < 0.15 else "web"
    header = (f'"""{assignment.title}\n\n{person.name} ({person.student_number})\n"""\n'
              if rng.random() < 0.4 else "")
    code = first_draft(rng, assignment.exercise, skill)
    attempts: list[Attempt] = []
    while at <= min(now, closes) and len(attempts) < max_attempts:
        source = code.source(header)
        content = material.as_notebook(source, assignment.title) if notebook else source.encode("utf-8")
        attempts.append(Attempt(person.email, assignment.slug, at, filename, content,
                                tuple(bug.name for bug in code.bugs), tuple(code.unfinished), via))
        clean = not code.bugs and not code.unfinished
        if clean and rng.random() < 0.85:
            break                                                  # full marks: done
        if not clean and rng.random() < 0.12 + 0.35 * (1 - skill):
            break                                                  # gives up with mistakes left
        hours_left = (assignment.due_at - at) / HOUR
        gap = 0.05 + rng.expovariate(1 / (0.4 if hours_left < 12 else 1.5))
        if hours_left > 30 and rng.random() < 0.25:
            gap += rng.uniform(8, 20)                              # comes back the next day
        at = _awake(rng, at + gap * HOUR)
        code = code if clean else next_draft(rng, code, skill)
    return attempts


def staff_attempts(rng: random.Random, person: Person, assignment: AssignmentPlan, now: datetime) -> list[Attempt]:
    """Staff try the assignment once it opens: the instructor with a correct solution, a TA with a
    classic mistake to see its hint. Staff submissions never count on the dashboard."""
    at = assignment.opens_at - timedelta(hours=rng.uniform(2, 30))
    if at > now:
        return []
    bug = None if person.role == "instructor" else _pick_bug(rng, assignment.exercise, set())
    source = material.compose(assignment.exercise, bug.functions if bug else {})
    return [Attempt(person.email, assignment.slug, at, f"{assignment.exercise}.py", source.encode("utf-8"),
                    (bug.name,) if bug else (), ())]
