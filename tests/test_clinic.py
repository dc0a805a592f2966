"""The clinic's own table, tested as data: each case of the content brief's revised model holds.

Families of combinations are checked over the engine's decisions (every combination of the family);
the patients' cases are checked over the engine, the JSON API and the result page, in every language
the app speaks. Outcomes are asserted (category, procedure ids and their order, advice ids), not
sentences. The engine's mechanics are tested on synthetic tables in tests/test_engine.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from guide import codes, create_app
from guide.engine import Answers
from guide.forms import URGENT

from .conftest import GUIDE
from .pages import carrying

SKIN_AREAS = ("breast_chest", "abdomen", "buttocks", "arms", "body", "unsure")
FACE_AREAS = ("face", "eyes", "nose", "ears")
FUNCTION_AREAS = ("eyes", "nose", "breast_chest")
AREAS = GUIDE.table.question("area").codes
PAIN = "cause=pain"
CHEST_PAIN = "rule=pain-breasts"
AFTER_ILLNESS = "cause=disease"
INSURANCE = "category=reconstructive"
LANGUAGES = create_app({"TESTING": True, "SECRET_KEY": "test"}).config["LANGUAGES"]


def family(engine, **fixed):
    """Every decision whose answers match `fixed` (a code, or a tuple of codes, per question)."""
    wanted = {q: (v,) if isinstance(v, str) else v for q, v in fixed.items()}
    found = [
        rec for combo, rec in engine.decide_all().items() if all(getattr(combo, q) in v for q, v in wanted.items())
    ]
    assert found, fixed
    return found


def categories(recs) -> set[str]:
    return {rec.category.id for rec in recs}


def ids(rec) -> list[str]:
    return [p.id for p in rec.procedures]


def advice(rec) -> set[str]:
    return {a.id for a in rec.advice}


def decide(engine, goal, cause, gender, area):
    return engine.decide(Answers(goal, cause, gender, area))


def others(codes_: tuple[str, ...], excluded: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(code for code in codes_ if code not in excluded)


# ---------------------------------------------------------------- the table, row by row ----


@pytest.mark.parametrize("cause", ["trauma", "disease"])
def test_an_injury_or_an_illness_is_reconstructive_for_every_area_and_aim(engine, cause):
    assert categories(family(engine, cause=cause)) == {"reconstructive"}


def test_a_large_weight_loss_is_reconstructive_where_it_leaves_loose_skin(engine):
    assert categories(family(engine, cause="weight_loss", area=SKIN_AREAS)) == {"reconstructive"}


def test_the_face_after_a_weight_loss_for_looks_is_cosmetic(engine):
    assert categories(family(engine, cause="weight_loss", area=FACE_AREAS, goal="appearance")) == {"cosmetic"}


def test_eyelids_or_a_nose_that_do_not_work_after_a_weight_loss_are_reconstructive_as_without_a_cause(engine):
    recs = family(engine, cause="weight_loss", area=("eyes", "nose"), goal="function")
    assert categories(recs) == {"reconstructive"}
    assert categories(recs) == categories(family(engine, cause="none", area=("eyes", "nose"), goal="function"))


def test_the_rest_of_the_face_after_a_weight_loss_is_left_to_the_surgeon(engine):
    assert categories(family(engine, cause="weight_loss", area=("face", "ears"), goal="function")) == {"undetermined"}
    assert categories(family(engine, cause="weight_loss", area=FACE_AREAS, goal="unsure")) == {"undetermined"}


def test_pain_from_the_breasts_or_chest_is_reconstructive(engine):
    assert categories(family(engine, cause="pain", area="breast_chest")) == {"reconstructive"}


def test_pain_elsewhere_is_left_open_and_lists_no_operation(engine):
    recs = family(engine, cause="pain", area=others(AREAS, ("breast_chest",)))
    assert categories(recs) == {"undetermined"}
    assert all(rec.procedures == () and rec.empty for rec in recs)


def test_a_condition_from_birth_is_reconstructive_when_the_aim_is_function_and_open_otherwise(engine):
    assert categories(family(engine, cause="congenital", goal="function")) == {"reconstructive"}
    assert categories(family(engine, cause="congenital", goal=("appearance", "unsure"))) == {"undetermined"}


def test_nothing_in_particular_and_a_wish_to_change_the_look_is_cosmetic(engine):
    assert categories(family(engine, cause="none", goal="appearance")) == {"cosmetic"}


def test_function_with_no_cause_is_reconstructive_only_where_plastic_surgery_restores_it(engine):
    assert categories(family(engine, cause="none", goal="function", area=FUNCTION_AREAS)) == {"reconstructive"}
    assert categories(family(engine, cause="none", goal="function", area=others(AREAS, FUNCTION_AREAS))) == {
        "undetermined"
    }


def test_an_unsure_aim_with_no_cause_is_open_where_it_may_be_function_and_leans_cosmetic_elsewhere(engine):
    assert categories(family(engine, cause="none", goal="unsure", area=FUNCTION_AREAS)) == {"undetermined"}
    assert categories(family(engine, cause="none", goal="unsure", area=others(AREAS, FUNCTION_AREAS))) == {"cosmetic"}


def test_a_cause_not_known_is_open_unless_the_aim_is_function_where_surgery_restores_it(engine):
    assert categories(family(engine, cause="unsure", goal=("appearance", "unsure"))) == {"undetermined"}
    assert categories(family(engine, cause="unsure", goal="function", area=FUNCTION_AREAS)) == {"reconstructive"}
    assert categories(family(engine, cause="unsure", goal="function", area=others(AREAS, FUNCTION_AREAS))) == {
        "undetermined"
    }


def test_reasons_say_what_is_usually_considered_never_a_verdict(engine):
    for rule in engine.table.rules:
        if rule.category != "undetermined":
            assert "usually considered" in rule.reason, rule.id
        assert " is reconstructive surgery" not in rule.reason and " is cosmetic surgery" not in rule.reason


# ---------------------------------------------------------------- nothing for another purpose ----


@pytest.mark.parametrize(
    ("procedure", "cause"),
    [
        ("breast_reconstruction", "disease"),
        ("congenital_facial_correction", "congenital"),
        ("body_lift", "weight_loss"),
    ],
)
def test_a_procedure_tied_to_one_cause_is_listed_only_for_it_never_when_the_cause_is_not_known(
    engine, procedure, cause
):
    assert {rec.answers.cause for rec in engine.decide_all().values() if procedure in ids(rec)} == {cause}


def test_mastectomy_reconstruction_is_never_shown_to_men(engine):
    assert not any("breast_reconstruction" in ids(rec) for rec in family(engine, gender="male"))


@pytest.mark.parametrize("procedure", ["breast_reduction", "gynecomastia_correction"])
def test_an_injury_to_the_breasts_or_chest_lists_no_reduction(engine, procedure):
    assert not any(procedure in ids(rec) for rec in family(engine, cause="trauma", area="breast_chest"))


def test_an_injury_or_an_illness_of_the_face_lists_no_chin_surgery(engine):
    assert not any("mentoplasty" in ids(rec) for rec in family(engine, cause=("trauma", "disease"), area="face"))


def test_a_wish_for_ears_that_work_better_with_no_cause_lists_no_otoplasty(engine):
    recs = family(engine, goal="function", cause=("none", "unsure"), area="ears")
    assert not any("otoplasty" in ids(rec) for rec in recs)
    assert {rec.rule.id for rec in recs} == {"function-ears"}


def test_pain_in_the_abdomen_lists_no_body_lift(engine):
    assert not any("body_lift" in ids(rec) for rec in family(engine, cause="pain", area="abdomen"))


@pytest.mark.parametrize("cause", ["weight_loss", "congenital"])
def test_breast_augmentation_or_lift_also_serves_deflated_or_underdeveloped_breasts(engine, cause):
    for rec in family(engine, cause=cause, goal="function", area="breast_chest", gender=("female", "unspecified")):
        assert rec.category.id == "reconstructive"
        assert "breast_augmentation_lift" in ids(rec)


def test_a_wish_for_function_is_never_offered_a_purely_cosmetic_operation(engine):
    for rec in family(engine, goal="function", cause=("none", "unsure", "pain")):
        assert all("reconstructive" in p.kinds for p in rec.procedures), rec.answers


def test_gender_ranks_and_never_hides_except_for_anatomy_and_mastectomy(engine):
    limited = {p.id for p in engine.table.procedures if p.only_for} | {"breast_reconstruction"}
    for combo, rec in engine.decide_all().items():
        seen = [engine.decide(combo._replace(gender=g)) for g in ("female", "male", "unspecified")]
        assert all(set(ids(other)) - limited == set(ids(rec)) - limited for other in seen), combo


# ---------------------------------------------------------------- order ----


def test_for_looks_augmentation_or_lift_comes_before_reduction(engine):
    for rec in family(engine, goal="appearance", area="breast_chest", gender="female", cause=("none", "unsure")):
        listed = ids(rec)
        assert listed.index("breast_augmentation_lift") < listed.index("breast_reduction"), rec.answers


def test_for_function_what_restores_it_comes_first_in_a_result_left_open(engine):
    for rec in family(engine, goal="function"):
        if rec.category.id == "undetermined" and any("reconstructive" in p.kinds for p in rec.procedures):
            assert "reconstructive" in rec.procedures[0].kinds, rec.answers


def test_in_a_result_left_open_for_looks_what_is_done_for_looks_comes_first(engine):
    for rec in family(engine, goal="appearance"):
        if rec.category.id == "undetermined" and any("cosmetic" in p.kinds for p in rec.procedures):
            assert "cosmetic" in rec.procedures[0].kinds, rec.answers


def test_eyelid_surgery_comes_before_an_eyebrow_lift(engine):
    for rec in family(engine, area="eyes"):
        listed = ids(rec)
        if "eyebrow_lift" in listed:
            assert listed.index("eyelid_surgery") < listed.index("eyebrow_lift"), rec.answers


def test_a_man_asking_about_his_chest_sees_gynecomastia_correction_first(engine):
    for rec in family(engine, gender="male", area="breast_chest"):
        if "gynecomastia_correction" in ids(rec):
            assert ids(rec)[0] == "gynecomastia_correction", rec.answers


def test_after_an_illness_reconstruction_comes_first_for_whoever_may_be_shown_it(engine):
    for rec in family(engine, gender=("female", "unspecified"), area="breast_chest", cause="disease"):
        assert ids(rec)[0] == "breast_reconstruction", rec.answers


# ---------------------------------------------------------------- advice, what if, empty lists ----


def test_pain_advice_is_advice_of_its_own_on_every_pain_result_never_a_reason(engine):
    for rec in engine.decide_all().values():
        assert (PAIN in advice(rec)) == (rec.answers.cause == "pain"), rec.answers
        assert rec.reasons == (rec.rule.reason,)


def test_every_result_for_chest_pain_says_sudden_chest_pain_is_an_emergency(engine):
    for rec in engine.decide_all().values():
        chest_pain = (rec.answers.cause, rec.answers.area) == ("pain", "breast_chest")
        assert (CHEST_PAIN in advice(rec)) == chest_pain, rec.answers
        assert not chest_pain or rec.advice[0].id == CHEST_PAIN, "the emergency comes first"
    said = {
        a.text for rec in family(engine, cause="pain", area="breast_chest") for a in rec.advice if a.id == CHEST_PAIN
    }
    assert len(said) == 1 and "911" in said.pop()


def test_the_reason_for_chest_pain_never_speaks_of_heavy_breasts(engine):
    for rec in family(engine, cause="pain", area="breast_chest"):
        assert "heavy" not in rec.rule.reason


def test_every_result_after_an_illness_says_reconstruction_usually_follows_treatment(engine):
    for rec in engine.decide_all().values():
        assert (AFTER_ILLNESS in advice(rec)) == (rec.answers.cause == "disease"), rec.answers


def test_the_insurer_decides_on_every_reconstructive_result_and_open_ones_that_speak_of_it(engine):
    for rec in engine.decide_all().values():
        says_it = rec.category.note is not None or INSURANCE in advice(rec)
        speaks_of_it = rec.category.id == "reconstructive" or "reconstructive" in rec.rule.reason
        assert says_it == speaks_of_it, rec.answers
    assert engine.table.category("cosmetic").note is None


def test_no_what_if_points_towards_reconstructive_surgery(engine):
    for rec in engine.decide_all().values():
        assert rec.what_if is None or rec.what_if.category.id == "cosmetic", rec.answers
        assert rec.what_if is None or rec.what_if.question.id == "goal"


def test_an_empty_list_is_said_once_in_one_sentence(engine):
    for rec in engine.decide_all().values():
        assert bool(rec.empty) == (not rec.procedures), rec.answers
        assert rec.empty not in rec.reasons and rec.empty not in [a.text for a in rec.advice]
    sentence = engine.table.notes.no_procedure
    assert "exactly" not in sentence and sentence.count(". ") == 0


def test_the_consultation_is_where_the_surgeon_examines_explains_and_plans_not_a_diagnosis(engine):
    message = engine.table.consultation.message
    assert "diagnosis" not in message and "plans the treatment" in message and "explains" in message


def test_chin_surgery_and_chin_enhancement_say_how_they_differ(engine):
    chin = {p.id: p.summary for p in engine.table.procedures}
    assert "bone" in chin["mentoplasty"] and "volume" in chin["cheek_chin_enhancement"]


def test_no_procedure_summary_promises_a_result(engine):
    for procedure in engine.table.procedures:
        assert "eases" not in procedure.summary and "will " not in procedure.summary, procedure.id


def test_the_check_warns_where_the_clinics_list_is_empty():
    assert any('"injury"' in warning and "face" in warning for warning in GUIDE.warnings)


# ---------------------------------------------------------------- the urgent screen ----


@pytest.mark.parametrize("sign", ["calf", "pus", "fever", "medicine does not control", "breath", "chest pain"])
def test_the_urgent_screen_names_the_signs_after_surgery_abroad(engine, sign):
    assert any(sign in text for text in engine.table.urgent.signs)


def test_the_emergency_advice_sends_to_911_and_to_the_surgeon_who_operated(engine):
    text = engine.table.urgent.advice
    assert "911" in text and "surgeon who operated" in text and "call the clinic now" in text
    assert "glad to hear" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_urgent_and_emergency_pages_show_it_in_every_language(client, app, lang):
    from flask_babel import force_locale, gettext

    urgent = GUIDE.table.urgent
    with app.test_request_context(), force_locale(lang):
        signs = [gettext(sign) for sign in urgent.signs]
        told = gettext(urgent.advice)
    page = client.get(f"/before-you-start?lang={lang}").get_data(as_text=True)
    assert all(sign in page for sign in signs)
    page = client.get(f"{carrying('/get-help-now', {URGENT: 'yes'})}&lang={lang}").get_data(as_text=True)
    assert told in page and 'href="tel:911"' in page and f'href="{GUIDE.table.clinic.tel}"' in page


# ---------------------------------------------------------------- patients' cases, everywhere ----


@dataclass(frozen=True)
class Case:
    """A patient's answers and what the brief says they must be told."""

    answers: tuple[str, str, str, str]
    category: str
    first: str | None = None  # the procedure listed first
    before: tuple[tuple[str, str], ...] = ()  # pairs: the first listed above the second
    listed: tuple[str, ...] = ()
    not_listed: tuple[str, ...] = ()
    empty: bool = False
    advice: tuple[str, ...] = ()
    no_advice: tuple[str, ...] = ()
    what_if: str | None = field(default=None)


CASES = {
    "breast augmentation for looks": Case(
        ("appearance", "none", "female", "breast_chest"),
        "cosmetic",
        first="breast_augmentation_lift",
        before=(("breast_augmentation_lift", "breast_reduction"),),
        no_advice=(INSURANCE,),
    ),
    "a man with chest pain": Case(
        ("function", "pain", "male", "breast_chest"),
        "reconstructive",
        first="gynecomastia_correction",
        not_listed=("breast_reconstruction",),
        advice=(PAIN, CHEST_PAIN),
    ),
    "a woman after a large weight loss, her breasts": Case(
        ("appearance", "weight_loss", "female", "breast_chest"),
        "reconstructive",
        listed=("breast_augmentation_lift", "breast_reduction"),
    ),
    "tuberous breasts": Case(
        ("function", "congenital", "female", "breast_chest"), "reconstructive", listed=("breast_augmentation_lift",)
    ),
    "pain in the nose": Case(
        ("function", "pain", "female", "nose"), "undetermined", empty=True, advice=(PAIN,), no_advice=(CHEST_PAIN,)
    ),
    "pain in the eyes": Case(("appearance", "pain", "male", "eyes"), "undetermined", empty=True, advice=(PAIN,)),
    "an injury to the face": Case(
        ("appearance", "trauma", "female", "face"), "reconstructive", empty=True, not_listed=("mentoplasty",)
    ),
    "an injury to a woman's breasts": Case(
        ("function", "trauma", "female", "breast_chest"), "reconstructive", empty=True, not_listed=("breast_reduction",)
    ),
    "an injury to a man's chest": Case(
        ("appearance", "trauma", "male", "breast_chest"),
        "reconstructive",
        empty=True,
        not_listed=("gynecomastia_correction",),
    ),
    "an unsure cause for the breasts": Case(
        ("appearance", "unsure", "female", "breast_chest"),
        "undetermined",
        first="breast_augmentation_lift",
        not_listed=("breast_reconstruction",),
        advice=(INSURANCE,),
    ),
    "an unsure cause for the face": Case(
        ("appearance", "unsure", "female", "face"), "undetermined", not_listed=("congenital_facial_correction",)
    ),
    "an illness, a man not sure of the area": Case(
        ("appearance", "disease", "male", "unsure"),
        "reconstructive",
        empty=True,
        not_listed=("breast_reconstruction",),
        advice=(AFTER_ILLNESS,),
    ),
    "an illness, a woman's breast": Case(
        ("function", "disease", "female", "breast_chest"),
        "reconstructive",
        first="breast_reconstruction",
        advice=(AFTER_ILLNESS,),
    ),
    "an illness, a man's chest": Case(
        ("function", "disease", "male", "breast_chest"),
        "reconstructive",
        first="gynecomastia_correction",
        not_listed=("breast_reconstruction",),
    ),
    "ears that should work better": Case(
        ("function", "none", "unspecified", "ears"), "undetermined", empty=True, not_listed=("otoplasty",)
    ),
    "eyelids for looks": Case(
        ("appearance", "none", "female", "eyes"), "cosmetic", before=(("eyelid_surgery", "eyebrow_lift"),)
    ),
    "a face from birth, for looks": Case(
        ("appearance", "congenital", "female", "face"),
        "undetermined",
        listed=("congenital_facial_correction",),
        before=(("facelift", "congenital_facial_correction"),),
        advice=(INSURANCE,),
    ),
    "the face after a weight loss, for looks": Case(("appearance", "weight_loss", "female", "face"), "cosmetic"),
    "eyelids that block sight after a weight loss": Case(
        ("function", "weight_loss", "male", "eyes"), "reconstructive", first="eyelid_surgery", what_if="cosmetic"
    ),
    "just a change, aim not sure, the abdomen": Case(("unsure", "none", "male", "abdomen"), "cosmetic"),
}


def check_told(case: Case, category: str, listed: list[str], advised: set[str], empty: bool) -> None:
    """What a patient is told matches the case."""
    assert category == case.category
    if case.first:
        assert listed[0] == case.first
    for above, below in case.before:
        assert listed.index(above) < listed.index(below)
    assert set(case.listed) <= set(listed)
    assert not set(case.not_listed) & set(listed)
    assert empty == case.empty == (not listed)
    assert set(case.advice) <= advised
    assert not set(case.no_advice) & advised


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_engine_tells_each_case_what_the_brief_says(engine, case):
    rec = engine.decide(Answers(*case.answers))
    check_told(case, rec.category.id, ids(rec), advice(rec), rec.empty is not None)
    if case.what_if:
        assert rec.what_if is not None and rec.what_if.category.id == case.what_if


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_api_tells_each_case_what_the_brief_says(client, case, lang):
    body = dict(zip(("goal", "cause", "gender", "area"), case.answers, strict=True))
    data = client.post(f"/api/v1/assess?lang={lang}", json=body).get_json()
    listed = [p["id"] for p in data["procedures"]]
    check_told(case, data["category"], listed, {a["id"] for a in data["advice"]}, data["empty"] is not None)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_result_page_tells_each_case_what_the_brief_says(client, engine, case, lang):
    code = codes.encode(engine.questions, Answers(*case.answers))
    page = client.get(f"/r/{code}?lang={lang}").get_data(as_text=True)
    category = re.search(r'data-category="([a-z]+)"', page)
    assert category is not None
    listed = re.findall(r'data-procedure="([a-z_]+)"', page)
    advised = set(re.findall(r'data-advice="([a-z=_-]+)"', page))
    check_told(case, category.group(1), listed, advised, "data-empty" in page)
    if case.what_if:
        assert 'class="what-if"' in page
