"""Exact covers of a set of combinations of answers by few "cubes" (one set of answers per question).

A cube reads as a condition a surgeon can check: "cause = pain, area in {nose, ears}, any goal, any
gender". `guide.check` uses covers to report gaps, conflicts and empty lists; `guide.diff` to group
the combinations that see one change. Pure Python.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator

Combo = tuple[str, ...]  # one answer code per question, in QUESTION_IDS order
Cube = tuple[frozenset[str], ...]  # one set of answer codes per question, in QUESTION_IDS order


def _subsets(values: list[int]) -> Iterator[tuple[int, ...]]:
    """Every non-empty subset of a few values."""
    for size in range(1, len(values) + 1):
        yield from itertools.combinations(values, size)


def _intersections(masks: Iterable[int]) -> set[int]:
    """Every non-empty intersection of some of the bit masks (closed under `&`)."""
    closed: set[int] = set()
    frontier = {m for m in masks if m}
    while frontier:
        closed |= frontier
        frontier = {a & b for a in closed for b in frontier if a & b} - closed
    return closed


def _largest_cube(points: set[tuple[int, ...]], order: tuple[int, ...]) -> tuple[int, list[set[int]]]:
    """The largest product of value sets, one per dimension, that lies wholly within `points`.

    Dimensions are taken smallest first (`order`): value subsets are tried for all but the last two;
    for those two, every maximal block is an intersection of the rows' bit masks.
    """
    *free, row_dim, col_dim = order
    masks: dict[tuple, int] = defaultdict(int)
    for p in points:
        masks[tuple(p[d] for d in free), p[row_dim]] |= 1 << p[col_dim]
    present = [sorted({p[d] for p in points}) for d in free]
    rows = sorted({p[row_dim] for p in points})
    best: tuple[int, list[set[int]]] = (0, [])
    for chosen in itertools.product(*(_subsets(values) for values in present)):
        prefixes = list(itertools.product(*chosen))
        row_masks = {}
        for row in rows:
            mask = -1
            for prefix in prefixes:
                mask &= masks.get((prefix, row), 0)
            if mask:
                row_masks[row] = mask
        for cols in sorted(_intersections(row_masks.values())):
            fitting = {row for row, mask in row_masks.items() if mask & cols == cols}
            size = len(prefixes) * len(fitting) * cols.bit_count()
            if size > best[0]:
                sets: list[set[int]] = [set() for _ in order]
                for d, values in zip(free, chosen, strict=True):
                    sets[d] = set(values)
                sets[row_dim] = fitting
                sets[col_dim] = {bit for bit in range(cols.bit_length()) if cols >> bit & 1}
                best = (size, sets)
    return best


def cover(combos: Iterable[Combo], domains: tuple[tuple[str, ...], ...]) -> list[Cube]:
    """Cover a set of combinations exactly with disjoint cubes, the largest first (greedy).

    The union of the cubes is the set, no two cubes share a combination; few cubes, not always fewest.
    """
    index = [{code: i for i, code in enumerate(codes)} for codes in domains]
    left = {tuple(index[d][code] for d, code in enumerate(combo)) for combo in combos}
    order = tuple(sorted(range(len(domains)), key=lambda d: len(domains[d])))
    cubes = []
    while left:
        _size, sets = _largest_cube(left, order)
        left -= set(itertools.product(*sets))
        cubes.append(tuple(frozenset(domains[d][i] for i in values) for d, values in enumerate(sets)))
    return cubes


def in_cube(combo: Combo, cube: Cube) -> bool:
    """Tell whether a combination lies in a cube."""
    return all(code in codes for code, codes in zip(combo, cube, strict=True))
