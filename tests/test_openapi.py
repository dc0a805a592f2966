"""The API's OpenAPI document, and schemathesis over every operation it lists, in process (WSGI).

Every generated request, fitting the document (positive) or breaking it (negative), must get no server
error, only statuses the document lists, and bodies and content types that match it. `make test` runs a
few cases per operation and mode; `make fuzz` many more (GUIDE_API_EXAMPLES per operation and mode).
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from guide import create_app

from .conftest import GUIDE

APP = create_app({"TESTING": True, "SECRET_KEY": "test"})
DOCUMENT = APP.test_client().get("/api/v1/openapi.json").get_json()
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
OPERATIONS = [(path, method) for path, operations in DOCUMENT["paths"].items() for method in operations]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
#: Generated cases per operation and mode: a few in `make test`, many in `make fuzz`.
EXAMPLES = int(os.environ.get("GUIDE_API_EXAMPLES", "30"))


def test_the_document_is_openapi_3_1_with_the_tables_answer_codes_as_enums():
    assert DOCUMENT["openapi"].startswith("3.1.")
    answers = DOCUMENT["components"]["schemas"]["Answers"]
    for question in GUIDE.engine.questions:
        field = answers["properties"][question.id]
        enums = [field.get("enum")] + [option.get("enum") for option in field.get("anyOf", [])]
        assert list(question.codes) in enums
        assert (question.id in answers["required"]) == (question.default is None)
    assert answers["additionalProperties"] is False
    lang = DOCUMENT["paths"]["/questions"]["get"]["parameters"][0]["schema"]
    assert lang["enum"] == list(APP.config["LANGUAGES"])


def test_the_document_lists_every_route_of_the_api():
    served = {
        (rule.rule.removeprefix("/api/v1"), method.lower())
        for rule in APP.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert served == set(OPERATIONS)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_schemathesis_finds_no_server_error_no_undocumented_status_and_no_broken_response(path, method, mode):
    operation = SCHEMA[path][method.upper()]
    cases = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy(generation_mode=mode))
    def run(case):
        case.call_and_validate(checks=CHECKS)
        cases.append(case)

    run()
    print(f"\n[fuzz] schemathesis {method.upper()} {path} {mode}: {len(cases)} cases, 0 failures")
    assert cases
