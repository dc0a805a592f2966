"""The lock: every package installed comes from constraints.txt, at the release pyproject.toml's pins lead to.

A pin changed in pyproject.toml without `make lock`, a dependency added or dropped without it, or an
environment installed some other way, fails here with the package named.
"""

from __future__ import annotations

import tomllib
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.serving import ROOT


def project() -> dict:
    """pyproject.toml's [project] table."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def exact(text: str, where: str) -> tuple[str, str]:
    """A requirement pinned to one release, as (package, release); anything looser fails, naming the file."""
    requirement = Requirement(text)
    specs = list(requirement.specifier)
    assert len(specs) == 1 and specs[0].operator == "==", f"{where}: {text} is not pinned to one release"
    return canonicalize_name(requirement.name), specs[0].version


def locked() -> dict[str, str]:
    """constraints.txt as {package: release}."""
    lines = (line.split("#", 1)[0].strip() for line in (ROOT / "constraints.txt").read_text().splitlines())
    return dict(exact(line, "constraints.txt") for line in lines if line)


def pulled_in() -> set[str]:
    """Every package the guide and its tests need, on this Python: its requirements and theirs, all the way down."""
    needed: set[str] = set()
    visited: set[tuple[str, frozenset[str]]] = set()  # a package is visited again only for extras not seen yet
    todo = [(project()["name"], frozenset({"test"}))]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
        for text in metadata.requires(name) or ():
            requirement = Requirement(text)
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
                continue
            wanted = canonicalize_name(requirement.name)
            needed.add(wanted)
            todo.append((wanted, frozenset(requirement.extras)))
    return needed


def test_every_pin_in_pyproject_is_the_locked_release():
    table = project()
    pins = [*table["dependencies"], *(pin for group in table["optional-dependencies"].values() for pin in group)]
    lock = locked()
    for text in pins:
        name, release = exact(text, "pyproject.toml")
        assert lock.get(name) == release, (
            f"pyproject.toml pins {text}, constraints.txt has {lock.get(name)}: run `make lock`"
        )


def test_the_lock_lists_exactly_what_the_project_pulls_in():
    lock, needed = set(locked()), pulled_in()
    assert needed - lock == set(), "installed but not locked: run `make lock`"
    assert lock - needed == set(), "locked but nothing needs it any more: run `make lock`"


def test_what_is_installed_is_what_is_locked():
    for name, release in locked().items():
        assert metadata.version(name) == release, f"{name} {metadata.version(name)} is installed, {release} locked"
