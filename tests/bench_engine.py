"""Benchmark: `Engine.decide()` next to a plain dictionary lookup, measured side by side in one run.

Run by `make bench`; prints numbers, asserts nothing.
"""

from __future__ import annotations

import timeit

from guide.rules import open_guide


def main() -> None:
    """Time decide() and a dict lookup of the same key, interleaved, and print the ratio."""
    engine = open_guide().engine
    combos = list(engine.decide_all())
    plain = {combo: index for index, combo in enumerate(combos)}
    key = combos[len(combos) // 2]
    number = 200_000
    decide_times, lookup_times = [], []
    names = {"engine": engine, "plain": plain, "key": key}
    for _ in range(7):
        decide_times.append(timeit.timeit("engine.decide(key)", globals=names, number=number) / number)
        lookup_times.append(timeit.timeit("plain[key]", globals=names, number=number) / number)
    decide, lookup = min(decide_times), min(lookup_times)
    print(
        f"[engine] decide(): {decide * 1e9:.0f} ns; dict lookup: {lookup * 1e9:.0f} ns; "
        f"ratio {decide / lookup:.2f}x (goal <= 3x); {len(combos)} combinations decided at load"
    )


if __name__ == "__main__":
    main()
