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

PROJECT = "lotus-guide"


def locked() -> dict[str, str]:
    """constraints.txt as {package: release}."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier  # one exact release each
            assert spec.operator == "==", line
            pins[canonicalize_name(requirement.name)] = spec.version
    return pins


def pulled_in() -> set[str]:
    """Every package the guide and its tests need, on this Python: its requirements and theirs, all the way down."""
    seen: set[str] = set()
    todo = [(PROJECT, frozenset({"test"}))]
    while todo:
        name, extras = todo.pop()
        for text in metadata.requires(name) or ():
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in extras] or [{"extra": ""}]
            if requirement.marker and not any(requirement.marker.evaluate(env) for env in environments):
                continue
            wanted = canonicalize_name(requirement.name)
            if wanted not in seen or requirement.extras:
                seen.add(wanted)
                todo.append((wanted, frozenset(requirement.extras)))
    return seen


def test_every_pin_in_pyproject_is_the_locked_release():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pins = [*project["dependencies"], *(pin for group in project["optional-dependencies"].values() for pin in group)]
    lock = locked()
    for text in pins:
        requirement = Requirement(text)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"pyproject.toml: {text} is not pinned to one release"
        name = canonicalize_name(requirement.name)
        assert lock.get(name) == spec.version, (
            f"pyproject.toml pins {text}, constraints.txt has {lock.get(name)}: run `make lock`"
        )


def test_the_lock_lists_exactly_what_the_project_pulls_in():
    lock, needed = set(locked()), pulled_in()
    assert needed - lock == set(), "installed but not locked: run `make lock`"
    assert lock - needed == set(), "locked but nothing needs it any more: run `make lock`"


def test_what_is_installed_is_what_is_locked():
    for name, release in locked().items():
        assert metadata.version(name) == release, f"{name} {metadata.version(name)} is installed, {release} locked"
