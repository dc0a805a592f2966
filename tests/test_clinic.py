"""The clinic's own table, tested as data: each family of answers gets what the content brief says.

One test per family of combinations (not per combination), worded as a surgeon would put it. The
engine's mechanics are tested on synthetic tables in tests/test_engine.py.
"""

from __future__ import annotations

import pytest

from guide.engine import Answers

SKIN_AREAS = ("breast_chest", "abdomen", "buttocks", "arms", "body", "unsure")
FACE_AREAS = ("face", "eyes", "nose", "ears")
FUNCTION_AREAS = ("eyes", "nose", "breast_chest")


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


def decide(engine, goal, cause, gender, area):
    return engine.decide(Answers(goal, cause, gender, area))


# ---------------------------------------------------------------- categories, family by family ----


@pytest.mark.parametrize("cause", ["trauma", "disease"])
def test_an_injury_or_an_illness_is_reconstructive_for_every_area_and_aim(engine, cause):
    assert categories(family(engine, cause=cause)) == {"reconstructive"}


def test_a_large_weight_loss_is_reconstructive_where_it_leaves_loose_skin(engine):
    assert categories(family(engine, cause="weight_loss", area=SKIN_AREAS)) == {"reconstructive"}


def test_a_large_weight_loss_leaves_the_face_eyes_nose_and_ears_to_the_surgeon_and_says_why(engine):
    recs = family(engine, cause="weight_loss", area=FACE_AREAS)
    assert categories(recs) == {"undetermined"}
    assert all("rarely" in rec.rule.reason for rec in recs)


def test_pain_from_heavy_breasts_is_reconstructive(engine):
    assert categories(family(engine, cause="pain", area="breast_chest")) == {"reconstructive"}


def test_pain_elsewhere_is_left_to_the_surgeon_and_only_repairs_are_listed(engine):
    recs = family(
        engine, cause="pain", area=tuple(a for a in engine.table.question("area").codes if a != "breast_chest")
    )
    assert categories(recs) == {"undetermined"}
    assert {kind for rec in recs for kind in rec.kinds} <= {"reconstructive"}


def test_wherever_pain_is_the_reason_the_patient_is_told_to_have_it_examined(engine):
    advice = engine.table.question("cause").choice("pain").note
    assert advice and "examination" in advice
    assert all(advice in rec.reasons for rec in family(engine, cause="pain"))
    assert not any(advice in rec.reasons for rec in family(engine, cause=("none", "trauma", "unsure")))


def test_a_condition_from_birth_is_reconstructive_when_the_aim_is_function(engine):
    assert categories(family(engine, cause="congenital", goal="function")) == {"reconstructive"}


def test_a_condition_from_birth_for_looks_is_for_the_surgeon_to_tell_from_a_feature_always_had(engine):
    recs = family(engine, cause="congenital", goal=("appearance", "unsure"))
    assert categories(recs) == {"undetermined"}
    assert all("cleft lip" in rec.rule.reason for rec in recs)


def test_nothing_in_particular_and_a_wish_to_change_the_look_is_cosmetic(engine):
    assert categories(family(engine, cause="none", goal="appearance")) == {"cosmetic"}


def test_function_with_nothing_behind_it_is_reconstructive_where_surgery_restores_it(engine):
    assert categories(family(engine, cause=("none", "unsure"), goal="function", area=FUNCTION_AREAS)) == {
        "reconstructive"
    }
    others = tuple(a for a in engine.table.question("area").codes if a not in FUNCTION_AREAS)
    assert categories(family(engine, cause=("none", "unsure"), goal="function", area=others)) == {"undetermined"}


@pytest.mark.parametrize(("goal", "cause"), [("unsure", "none"), ("appearance", "unsure"), ("unsure", "unsure")])
def test_what_the_answers_leave_open_the_surgeon_decides(engine, goal, cause):
    assert categories(family(engine, goal=goal, cause=cause)) == {"undetermined"}


def test_reasons_say_what_is_usually_considered_never_a_verdict(engine):
    for rule in engine.table.rules:
        if rule.category != "undetermined":
            assert "usually considered" in rule.reason, rule.id
        assert " is reconstructive surgery" not in rule.reason and " is cosmetic surgery" not in rule.reason


# ---------------------------------------------------------------- procedures ----


def test_a_man_whose_chest_looks_like_breasts_sees_gynecomastia_correction_first(engine):
    for rec in family(engine, gender="male", area="breast_chest", cause=("none", "trauma", "pain", "congenital")):
        assert ids(rec)[0] == "gynecomastia_correction", rec.answers


def test_after_an_illness_a_man_sees_reconstruction_first_then_gynecomastia_correction(engine):
    for rec in family(engine, gender="male", area="breast_chest", cause="disease"):
        assert ids(rec)[:2] == ["breast_reconstruction", "gynecomastia_correction"]


def test_a_woman_with_back_pain_from_heavy_breasts_sees_breast_reduction_and_no_mastectomy_reconstruction(engine):
    for rec in family(engine, gender="female", area="breast_chest", cause="pain"):
        assert ids(rec) == ["breast_reduction"]


@pytest.mark.parametrize(
    ("procedure", "cause"),
    [
        ("breast_reconstruction", "disease"),
        ("congenital_facial_correction", "congenital"),
        ("body_lift", "weight_loss"),
    ],
)
def test_a_procedure_tied_to_one_cause_is_listed_only_for_it_or_when_the_cause_is_not_known(engine, procedure, cause):
    listed_for = {rec.answers.cause for rec in engine.decide_all().values() if procedure in ids(rec)}
    assert listed_for == {cause, "unsure"}


def test_a_face_injury_lists_no_correction_of_deformities_from_birth(engine):
    assert not any("congenital_facial_correction" in ids(rec) for rec in family(engine, cause="trauma", area="face"))


def test_pain_in_the_abdomen_lists_no_body_lift(engine):
    assert not any("body_lift" in ids(rec) for rec in family(engine, cause="pain", area="abdomen"))


def test_the_body_lift_also_concerns_the_buttocks(engine):
    assert all("body_lift" in ids(rec) for rec in family(engine, cause="weight_loss", area="buttocks"))


def test_a_woman_born_with_breasts_she_wants_changed_is_left_to_the_surgeon_with_augmentation_listed(engine):
    rec = decide(engine, "appearance", "congenital", "female", "breast_chest")
    assert rec.category.id == "undetermined"
    assert "breast_augmentation_lift" in ids(rec)
    assert "breast_reconstruction" not in ids(rec)


def test_a_nose_one_was_born_with_lists_rhinoplasty(engine):
    assert "rhinoplasty" in ids(decide(engine, "appearance", "congenital", "female", "nose"))


@pytest.mark.parametrize(("area", "procedure"), [("eyes", "eyelid_surgery"), ("breast_chest", "breast_reduction")])
def test_operations_the_clinic_files_as_reconstructive_are_offered_for_looks_too(engine, area, procedure):
    rec = decide(engine, "appearance", "none", "female", area)
    assert rec.category.id == "cosmetic"
    assert procedure in ids(rec)
    assert dict(zip(ids(rec), rec.kinds, strict=True))[procedure] == "cosmetic"


@pytest.mark.parametrize(("area", "procedure"), [("nose", "rhinoplasty"), ("ears", "otoplasty")])
def test_operations_the_clinic_files_as_cosmetic_are_offered_to_repair_too(engine, area, procedure):
    rec = decide(engine, "appearance", "trauma", "male", area)
    assert procedure in ids(rec)
    assert dict(zip(ids(rec), rec.kinds, strict=True))[procedure] == "reconstructive"


def test_a_nose_that_makes_breathing_hard_lists_rhinoplasty(engine):
    rec = decide(engine, "function", "none", "female", "nose")
    assert (rec.category.id, ids(rec)) == ("reconstructive", ["rhinoplasty"])


def test_gender_ranks_and_never_hides_except_for_anatomy(engine):
    limited = {p.id for p in engine.table.procedures if p.only_for}
    assert limited == {"gynecomastia_correction"}
    for combo, rec in engine.decide_all().items():
        others = [engine.decide(combo._replace(gender=g)) for g in ("female", "male", "unspecified")]
        assert all(set(ids(other)) - limited == set(ids(rec)) - limited for other in others), combo


def test_every_known_area_with_a_decided_category_lists_something_except_where_the_clinic_offers_nothing(engine):
    from guide.rules import open_guide

    from .conftest import RULES

    empty = {
        (rec.answers.cause, rec.answers.area)
        for rec in engine.decide_all().values()
        if not rec.procedures and rec.answers.area != "unsure" and rec.category.id != "undetermined"
    }
    # The clinic lists no tummy tuck, scar revision or arm lift: a repair of the trunk or limbs has nothing listed.
    assert {area for _cause, area in empty} <= {"abdomen", "buttocks", "arms", "body"}
    assert open_guide(RULES).warnings, "the check shows the clinic where its list is empty"


# ---------------------------------------------------------------- what if, insurance, wording ----


def test_what_if_only_ever_names_a_different_aim(engine):
    assert engine.table.what_if == ["goal"]
    assert all(rec.what_if is None or rec.what_if.question.id == "goal" for rec in engine.decide_all().values())


def test_a_cosmetic_result_never_suggests_an_injury(engine):
    for rec in family(engine, goal="appearance", cause="none"):
        assert rec.what_if is None or rec.what_if.code == "function"


def test_only_reconstructive_results_say_that_the_insurer_decides(engine):
    note = engine.table.category("reconstructive").note
    assert note and "insurer" in note
    assert engine.table.category("cosmetic").note is None


def test_the_consultation_is_where_the_surgeon_diagnoses_and_plans(engine):
    message = engine.table.consultation.message
    assert "diagnosis" in message and "plans the treatment" in message


def test_no_procedure_summary_promises_a_result(engine):
    for procedure in engine.table.procedures:
        assert "eases" not in procedure.summary and "will " not in procedure.summary, procedure.id


def test_a_wish_for_function_left_open_is_never_offered_a_purely_cosmetic_operation(engine):
    for rec in family(engine, goal="function", cause=("none", "unsure", "pain")):
        assert all("reconstructive" in p.kinds for p in rec.procedures), rec.answers
