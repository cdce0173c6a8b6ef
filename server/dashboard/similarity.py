"""Which pairs of sources are alike: copydetect's token winnowing, with an inverted index so that
only pairs sharing fingerprints are scored.

copydetect (PyPI) tokenizes with Pygments and renames every identifier to one letter, drops
whitespace and comments, hashes the k-grams of what is left and keeps a winnowed subset: renamed
variables, re-indented code and rewritten comments do not hide a match. Its `compare_files` gives
the share of each side's tokens that match and the character ranges of the matching regions.

What is not evidence is taken out before scoring, as copydetect's boilerplate:
- the starter code every student is given (the stubs, the notebook's cells), all its k-grams;
- fingerprints that many submissions share (MOSS's -m): short backprop functions converge on the
  same few lines (`dx = dout * (x > 0)`), so code most of a class writes is not a sign of anything.

No DB and no Flask here; the caller passes sources and gets index pairs back. The fingerprints use
Python's `hash()` (salted per process), so they are computed and compared in one call, never stored.
"""
from __future__ import annotations

import io
import math
from collections import Counter
from dataclasses import asdict, dataclass, field
from itertools import combinations

import numpy as np


@dataclass(frozen=True)
class Settings:
    """How alike is alike. `noise` and `guarantee` are copydetect's thresholds, in filtered
    characters (after renaming, `dx = dout * (x > 0)` is `V=V*(V>0)`)."""
    noise: int = 25                   # shorter common runs are ignored (k of the k-grams)
    guarantee: int = 30               # a common run this long is always found (winnowing window = 6)
    store_at: float = 0.3             # pairs below this similarity are not kept
    min_overlap: int = 60             # ... nor pairs whose common code is shorter than this
    common_share: float = 0.1         # a fingerprint in more than this share of the class ...
    common_min: int = 10              # ... and in more than this many submissions is not evidence

    @property
    def window(self) -> int:
        return self.guarantee - self.noise + 1

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Match:
    """Sources `a` < `b` (indices into the list given): the share of each one's tokens that match
    the other, the matching length, and the matching regions as [start, end) character ranges."""
    a: int
    b: int
    similarity_a: float
    similarity_b: float
    overlap: int
    regions_a: list[tuple[int, int]]
    regions_b: list[tuple[int, int]]

    @property
    def similarity(self) -> float:
        """The larger share: one who copied part of another's file is found even if the other wrote more."""
        return max(self.similarity_a, self.similarity_b)


@dataclass
class Outcome:
    matches: list[Match]
    compared: int                      # sources fingerprinted
    candidates: int                    # pairs that shared enough fingerprints to be scored
    common: int                        # fingerprints set aside as shared by much of the class
    notes: list[str] = field(default_factory=list)


def normalize(source: str) -> str:
    """The text exactly as Pygments sees it (copydetect's character ranges index into this): no
    BOM, \\n line ends, no leading or trailing blank lines, one final newline."""
    text = source.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return text + "\n"


def find_similar(sources: list[str], boilerplate: list[str], settings: Settings = Settings()) -> Outcome:
    """Every pair of `sources` (normalized) at least `settings.store_at` alike, most alike first."""
    from copydetect import CodeFingerprint, compare_files   # heavy (it imports matplotlib): workers only

    def fingerprint(text: str, skip: np.ndarray, window: int):
        return CodeFingerprint("submission.py", settings.noise, window, boilerplate=skip,
                               fp=io.StringIO(text), language="python")

    # copydetect's own recipe for boilerplate: every k-gram of the starter code (window 1).
    starter = np.unique(np.array([h for text in boilerplate
                                  for h in fingerprint(normalize(text), np.array([]), 1).hashes], dtype=np.int64))
    prints = [fingerprint(text, starter, settings.window) for text in sources]
    frequency = Counter(h for p in prints for h in p.hashes)
    cut = max(settings.common_min, math.floor(settings.common_share * len(prints)))
    common = {h for h, n in frequency.items() if n > cut}
    if common:
        skip = np.unique(np.concatenate([starter, np.array(sorted(common), dtype=np.int64)]))
        prints = [_without(p, common, skip, settings) if p.hashes & common else p for p in prints]

    # The inverted index: fingerprint -> sources holding it. No posting is longer than `cut`, so
    # the pairs it yields grow with the class, not with its square.
    postings: dict[int, list[int]] = {}
    for index, p in enumerate(prints):
        for h in p.hashes:
            postings.setdefault(h, []).append(index)
    shared = Counter(pair for holders in postings.values() if len(holders) > 1
                     for pair in combinations(holders, 2))

    # A pair reaching similarity s shares at least about s / 2 of the smaller side's fingerprints
    # (measured on bench/similarity.py's class: never less than s / 3); pairs sharing less, a line
    # or two in common, are not worth copydetect's time.
    def may_reach(a: int, b: int, count: int) -> bool:
        smaller = min(len(prints[a].hashes), len(prints[b].hashes))
        return smaller > 0 and count >= settings.store_at / 3 * smaller

    candidates = [(a, b) for (a, b), count in shared.items() if may_reach(a, b, count)]
    matches = []
    for a, b in candidates:
        overlap, (sim_a, sim_b), (slices_a, slices_b) = compare_files(prints[a], prints[b])
        if overlap < settings.min_overlap or max(sim_a, sim_b) < settings.store_at:
            continue
        matches.append(Match(a, b, round(float(sim_a), 4), round(float(sim_b), 4), int(overlap),
                             _regions(slices_a), _regions(slices_b)))
    matches.sort(key=lambda m: (-m.similarity, -m.overlap, m.a, m.b))
    return Outcome(matches, len(prints), len(candidates), len(common))


def _without(p, common: set, skip: np.ndarray, settings: Settings):
    """`p` with the class-wide fingerprints dropped, reusing its tokens (copydetect's own functions;
    lexing again would double the cost)."""
    from copydetect.utils import get_document_fingerprints, get_token_coverage
    p.hashes, p.hash_idx = get_document_fingerprints(p.filtered_code, settings.noise, settings.window, skip)
    p.token_coverage = get_token_coverage(p.hash_idx, settings.noise, len(p.filtered_code))
    return p


def _regions(slices) -> list[tuple[int, int]]:
    if len(slices) == 0 or len(slices[0]) == 0:
        return []
    return [(int(start), int(end)) for start, end in zip(slices[0], slices[1])]
