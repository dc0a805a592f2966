"""Issue 22, the app's part: each reproducer of the outside review, turned around.

(The server's part — stalled clients, reloads, gunicorn's logs — is in test_serving.py; nginx's in test_nginx.py.)
"""

from __future__ import annotations

import json
import re

import pytest

from guide import ConfigurationError, codes, create_app
from guide.engine import combinations
from guide.limits import MAX_BODY
from guide.logs import mask

from .conftest import GUIDE

CONFIG = {"SECRET_KEY": "hardening-" + "h" * 30}


def two_codes_of_different_categories() -> tuple[tuple[str, str], tuple[str, str]]:
    """Two answer codes whose results differ in category, each with its category (from the table, not copied)."""
    engine = GUIDE.engine
    first = next(iter(combinations(GUIDE.table)))
    category = engine.decide(first).category.id
    other = next(c for c in combinations(GUIDE.table) if engine.decide(c).category.id != category)
    return (
        (codes.encode(engine.questions, first), category),
        (codes.encode(engine.questions, other), engine.decide(other).category.id),
    )


def shown_category(page: str) -> str | None:
    found = re.search(r'data-category="([^"]+)"', page)
    return found.group(1) if found else None


def test_a_link_from_another_site_shows_its_result_but_leaves_the_patients_answers():
    (mine, my_category), (theirs, their_category) = two_codes_of_different_categories()
    client = create_app(CONFIG).test_client()
    assert shown_category(client.get(f"/r/{mine}").get_data(as_text=True)) == my_category
    page = client.get(f"/r/{theirs}", headers={"Sec-Fetch-Site": "cross-site"}).get_data(as_text=True)
    assert shown_category(page) == their_category  # shown...
    result = client.get("/result", headers={"Sec-Fetch-Site": "same-origin"}).get_data(as_text=True)
    assert shown_category(result) == my_category  # ...but not stored


def test_a_link_from_another_site_carries_its_answers_in_the_pages_links():
    (_mine, _), (theirs, their_category) = two_codes_of_different_categories()
    client = create_app(CONFIG).test_client()
    page = client.get(f"/r/{theirs}", headers={"Sec-Fetch-Site": "cross-site"}).get_data(as_text=True)
    check = re.search(r'href="(/check-answers\?answers=\w+)"', page)
    assert check, "the page's own links carry the answers it shows"
    assert client.get(check.group(1)).status_code == 200
    assert "Set-Cookie" not in client.get(f"/r/{theirs}", headers={"Sec-Fetch-Site": "cross-site"}).headers


def test_the_same_link_opened_from_the_guide_or_typed_is_kept():
    (mine, my_category), _ = two_codes_of_different_categories()
    for fetch_site in ("same-origin", "none"):
        client = create_app(CONFIG).test_client()
        client.get(f"/r/{mine}", headers={"Sec-Fetch-Site": fetch_site})
        assert shown_category(client.get("/result").get_data(as_text=True)) == my_category


def test_a_forged_host_is_refused_and_the_canonical_link_names_a_trusted_one():
    client = create_app({**CONFIG, "TRUSTED_HOSTS": "guide.example, www.guide.example"}).test_client()
    forged = client.get("/", headers={"Host": "evil.example"})
    assert forged.status_code == 400
    assert b"evil.example" not in forged.data
    page = client.get("/", headers={"Host": "guide.example"}).get_data(as_text=True)
    assert '<link rel="canonical" href="http://guide.example/"' in page


def test_without_trusted_hosts_any_host_is_answered():
    assert create_app(CONFIG).test_client().get("/", headers={"Host": "anything.example"}).status_code == 200


def test_a_short_secret_key_from_the_environment_is_refused_outside_debug(monkeypatch):
    monkeypatch.setenv("FLASK_SECRET_KEY", "x")
    with pytest.raises(ConfigurationError, match="at least 32"):
        create_app()
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert create_app().secret_key == "x"


@pytest.mark.parametrize("value", ["-1", "many", "9"])
def test_a_proxy_count_out_of_bounds_is_refused(value):
    with pytest.raises(ConfigurationError, match="GUIDE_PROXIES"):
        create_app({**CONFIG, "GUIDE_PROXIES": value})


def assess_body(size: int) -> bytes:
    """A valid API body padded with spaces to exactly `size` bytes."""
    combo = next(iter(combinations(GUIDE.table)))
    answers = json.dumps(combo._asdict())
    return answers.encode() + b" " * (size - len(answers))


def test_a_body_of_exactly_the_limit_is_taken_and_one_byte_more_is_not():
    client = create_app(CONFIG).test_client()
    exact = client.post("/api/v1/assess", data=assess_body(MAX_BODY), content_type="application/json")
    assert exact.status_code == 200
    over = client.post("/api/v1/assess", data=assess_body(MAX_BODY + 1), content_type="application/json")
    assert over.status_code == 413


@pytest.mark.parametrize("path", ["/", "/question/goal", "/no-such-page", "/embed/"])
def test_an_error_page_stays_small_whatever_the_address(path):
    client = create_app(CONFIG).test_client()
    short = client.get(path + "?x=" + "a" * 2100)
    long = client.get(path + "?x=" + "a" * 8000 + "&lang=es")
    assert short.status_code == long.status_code == 414
    assert "a" * 100 not in long.get_data(as_text=True)
    assert len(long.data) < len(short.data) + 200  # the size does not grow with the address


@pytest.mark.parametrize(
    "line",
    [
        '"GET /%2Fr/5GW9A HTTP/1.1" 200',
        '"GET /%2fr%2f5GW9A HTTP/1.1" 200',
        '"GET /embed/%2Fr/5GW9A HTTP/1.1" 200',
        '"GET //r//5GW9A HTTP/1.1" 200',
        '"GET /%252Fr/5GW9A HTTP/1.1" 404',
        "code=5GW9A&answers=5GW9AQ",  # gunicorn's %(q)s: the query without its `?`
        "- - 200 code=5GW9A",
    ],
)
def test_codes_are_masked_in_decoded_paths_and_any_query(line):
    assert "5GW9A" not in mask(line)
