"""The decision itself, without Flask: category, rule, procedures and their order, what-if."""

from __future__ import annotations

import pytest

from guide.engine import combinations


@pytest.mark.parametrize(
    ("answers", "category", "rule"),
    [
        (("appearance", "none", "female", "nose"), "cosmetic", "appearance"),
        (("appearance", "trauma", "male", "nose"), "reconstructive", "injury"),
        (("appearance", "weight_loss", "female", "body"), "reconstructive", "weight-loss"),
        (("appearance", "pain", "female", "breast_chest"), "reconstructive", "pain"),
        (("unsure", "congenital", "male", "face"), "reconstructive", "from-birth"),
        (("appearance", "disease", "female", "breast_chest"), "reconstructive", "illness"),
        (("function", "none", "female", "eyes"), "reconstructive", "function"),
        (("function", "unsure", "male", "unsure"), "reconstructive", "function"),
        (("appearance", "unsure", "female", "nose"), "undetermined", "cause-unclear"),
        (("unsure", "unsure", "unspecified", "unsure"), "undetermined", "cause-unclear"),
        (("unsure", "none", "male", "abdomen"), "undetermined", "aim-unclear"),
    ],
)
def test_the_reason_decides_the_category(engine, answers, category, rule):
    rec = engine.decide(answers)
    assert (rec.category.id, rec.rule.id) == (category, rule)


@pytest.mark.parametrize(
    "area", ["face", "eyes", "nose", "ears", "breast_chest", "abdomen", "buttocks", "arms", "body"]
)
def test_the_body_part_never_decides_the_category(engine, area):
    assert engine.decide(("appearance", "none", "male", area)).category.id == "cosmetic"
    assert engine.decide(("appearance", "trauma", "male", area)).category.id == "reconstructive"


def ids(rec):
    return [p.id for p in rec.procedures]


def test_a_man_asking_about_his_nose_is_shown_rhinoplasty(engine):
    assert ids(engine.decide(("appearance", "none", "male", "nose"))) == ["rhinoplasty"]


def test_gender_ranks_what_fits_without_hiding_it(engine):
    woman = ids(engine.decide(("appearance", "none", "female", "breast_chest")))
    man = ids(engine.decide(("appearance", "none", "male", "breast_chest")))
    assert woman == ["breast_augmentation_lift", "pectoral_augmentation"]
    assert man == ["pectoral_augmentation", "breast_augmentation_lift"]


@pytest.mark.parametrize(("gender", "shown"), [("male", True), ("unspecified", True), ("female", False)])
def test_only_anatomy_limits_by_gender(engine, gender, shown):
    rec = engine.decide(("function", "none", gender, "breast_chest"))
    assert ("gynecomastia_correction" in ids(rec)) is shown
    assert "breast_reduction" in ids(rec)


def test_the_cause_ranks_first(engine):
    assert ids(engine.decide(("appearance", "disease", "female", "breast_chest")))[0] == "breast_reconstruction"
    assert ids(engine.decide(("appearance", "pain", "female", "breast_chest")))[0] == "breast_reduction"
    assert ids(engine.decide(("function", "congenital", "male", "face")))[0] == "congenital_facial_correction"


def test_what_is_meant_for_another_cause_comes_last(engine):
    # A facial injury: chin surgery before the correction of deformities present from birth.
    for gender in ("female", "male", "unspecified"):
        assert ids(engine.decide(("function", "trauma", gender, "face"))) == [
            "mentoplasty",
            "congenital_facial_correction",
        ]


def test_a_procedure_for_one_sex_comes_after_the_others_when_the_patient_has_not_said(engine):
    unnamed = ids(engine.decide(("function", "trauma", "unspecified", "breast_chest")))
    man = ids(engine.decide(("function", "trauma", "male", "breast_chest")))
    assert unnamed[-1] == "gynecomastia_correction"
    assert man[0] == "gynecomastia_correction"
    assert sorted(unnamed) == sorted(man), "the order changes, never what is shown"


@pytest.mark.parametrize("goal", ["appearance", "function", "unsure"])
def test_the_same_operation_is_listed_when_the_reason_makes_it_reconstructive(engine, goal):
    # The clinic lists rhinoplasty and otoplasty as cosmetic; after an injury, or for ears shaped so
    # from birth, the same operation repairs, and a reconstructive result lists it.
    nose = engine.decide((goal, "trauma", "male", "nose"))
    ears = engine.decide((goal, "congenital", "female", "ears"))
    assert (nose.category.id, ids(nose)) == ("reconstructive", ["rhinoplasty"])
    assert (ears.category.id, ids(ears)) == ("reconstructive", ["otoplasty"])
    assert ids(engine.decide((goal, "disease", "male", "nose"))) == [], "only for the causes it answers"
    assert ids(engine.decide((goal, "trauma", "male", "unsure"))) == [], "an unsure area lists what is offered"


def test_a_result_lists_its_own_kind_and_another_only_for_the_cause_it_answers(engine):
    for combo in combinations(engine.table):
        rec = engine.decide(combo)
        if rec.category.id == "cosmetic":
            assert {p.kind for p in rec.procedures} <= {"cosmetic"}, combo
        if rec.category.id == "reconstructive":
            assert all(p.kind == "reconstructive" or combo[1] in p.causes for p in rec.procedures), combo


def test_an_unsure_area_lists_what_answers_the_cause(engine):
    assert ids(engine.decide(("appearance", "weight_loss", "female", "unsure"))) == ["body_lift"]


def test_when_nothing_fits_the_surgeon_will_advise(engine):
    unsure = engine.decide(("function", "trauma", "female", "unsure"))
    assert unsure.procedures == ()
    assert unsure.reasons[-1] == engine.table.notes.area_unsure
    nothing = engine.decide(("function", "trauma", "female", "buttocks"))
    assert nothing.procedures == ()
    assert nothing.reasons[-1] == engine.table.notes.no_procedure


@pytest.mark.parametrize(
    ("answers", "changed", "category"),
    [
        (("appearance", "none", "female", "nose"), ("cause", "trauma"), "reconstructive"),
        (("appearance", "trauma", "male", "nose"), ("cause", "none"), "cosmetic"),
        (("function", "none", "male", "eyes"), ("goal", "appearance"), "cosmetic"),
        (("appearance", "unsure", "male", "nose"), ("cause", "none"), "cosmetic"),
    ],
)
def test_what_if_names_the_single_answer_that_changes_the_category(engine, answers, changed, category):
    what_if = engine.decide(answers).what_if
    assert (what_if.question.id, what_if.code, what_if.category.id) == (*changed, category)
    position = ["goal", "cause", "gender", "area"].index(changed[0])
    flipped = answers[:position] + (changed[1],) + answers[position + 1 :]
    assert engine.decide(flipped).category.id == category


def test_what_if_is_absent_when_no_single_answer_changes_it(engine):
    assert engine.decide(("function", "trauma", "female", "face")).what_if is None


def test_every_combination_carries_the_consultation(engine):
    combos = list(combinations(engine.table))
    assert len(combos) == 3 * 7 * 3 * 10
    for combo in combos:
        assert engine.decide(combo).consultation is engine.table.consultation


def test_answers_by_name_default_the_area(engine):
    assert engine.decide({"goal": "appearance", "cause": "none", "gender": "male"}).answers[3] == "unsure"
    with pytest.raises(ValueError, match="goal"):
        engine.decide({"goal": "looks", "cause": "none", "gender": "male"})
