"""The engine's mechanics, on small synthetic tables (tests/synthetic.py): no clinic, no Flask.

What the clinic's own table decides is tested as data in tests/test_clinic.py.
"""

from __future__ import annotations

import pytest

from guide.engine import Answers, combinations

from .synthetic import engine_of, tiny


def ids(rec) -> list[str]:
    return [p.id for p in rec.procedures]


def with_procedures(*procedures, **changes):
    data = tiny()
    data["procedures"] = [
        {"name": p["id"].title(), "summary": "S.", "areas": ["nose"], "kinds": ["cosmetic"], **p} for p in procedures
    ]
    data.update(changes)
    return engine_of(data)


# ---------------------------------------------------------------- the decision ----


def test_every_combination_is_decided_once_and_decide_is_a_lookup():
    engine = engine_of(tiny())
    decisions = engine.decide_all()
    assert list(decisions) == list(combinations(engine.table))
    assert len(decisions) == engine.table.combination_count
    for combo, rec in decisions.items():
        assert engine.decide(combo) is rec
        assert engine.decide(tuple(combo)) is rec
        assert engine.decide(combo._asdict()) is rec


def test_answers_are_named_by_question():
    rec = engine_of(tiny()).decide(Answers(goal="appearance", cause="none", gender="male", area="nose"))
    assert rec.answers.area == "nose"
    assert rec.answer("cause") == "none"


def test_answers_by_name_fill_the_default_and_refuse_unknown_codes():
    engine = engine_of(tiny())
    assert engine.decide({"goal": "appearance", "cause": "none", "gender": "male"}).answers.area == "unsure"
    with pytest.raises(ValueError, match="cause"):
        engine.decide({"goal": "appearance", "cause": "boredom", "gender": "male"})
    with pytest.raises(ValueError):
        engine.decide(("appearance", "none", "male", "elbow"))


def test_the_first_rule_that_applies_reports():
    data = tiny()
    data["rules"].insert(0, {"id": "nose-hurt", "when": {"cause": ["trauma"], "area": ["nose"]},
                             "category": "reconstructive", "reason": "Nose hurt."})  # fmt: skip
    engine = engine_of(data)
    assert engine.decide(("appearance", "trauma", "male", "nose")).rule.id == "nose-hurt"
    assert engine.decide(("appearance", "trauma", "male", "chest")).rule.id == "hurt"


def test_every_recommendation_carries_the_consultation():
    engine = engine_of(tiny())
    assert all(rec.consultation == engine.table.consultation for rec in engine.decide_all().values())


def test_a_table_with_a_gap_cannot_make_an_engine():
    from guide.engine import Engine
    from guide.loader import read_table

    from .synthetic import dump

    data = tiny()
    data["rules"] = data["rules"][:-1]
    table, _source = read_table(dump(data), "gap.yaml")
    with pytest.raises(LookupError):
        Engine(table)


# ---------------------------------------------------------------- kinds ----


def test_a_procedure_of_one_kind_is_listed_only_where_that_kind_is_offered():
    engine = with_procedures(
        {"id": "looks_only", "kinds": ["cosmetic"]}, {"id": "repair_only", "kinds": ["reconstructive"]}
    )
    assert ids(engine.decide(("appearance", "none", "female", "nose"))) == ["looks_only"]
    assert ids(engine.decide(("appearance", "trauma", "female", "nose"))) == ["repair_only"]


def test_a_procedure_of_both_kinds_is_listed_in_both_and_takes_the_kind_of_the_result():
    engine = with_procedures({"id": "both", "kinds": ["reconstructive", "cosmetic"]})
    cosmetic = engine.decide(("appearance", "none", "female", "nose"))
    reconstructive = engine.decide(("function", "none", "female", "nose"))
    assert ids(cosmetic) == ids(reconstructive) == ["both"]
    assert cosmetic.kinds == ("cosmetic",)
    assert reconstructive.kinds == ("reconstructive",)


def test_in_a_result_left_open_a_procedure_keeps_the_kind_the_clinic_files_it_under():
    engine = with_procedures({"id": "filed_cosmetic", "kinds": ["cosmetic", "reconstructive"]})
    rec = engine.decide(("unsure", "none", "female", "nose"))
    assert rec.category.id == "undetermined"
    assert rec.kinds == ("cosmetic",)


def test_a_rule_may_narrow_what_its_result_offers():
    data = tiny()
    data["rules"][-1]["offer"] = ["reconstructive"]  # not sure of the cause: only repairs
    data["procedures"] = [
        {"id": "looks", "name": "L", "summary": "S.", "areas": ["nose"], "kinds": ["cosmetic"]},
        {"id": "fix", "name": "F", "summary": "S.", "areas": ["nose"], "kinds": ["cosmetic", "reconstructive"]},
    ]
    rec = engine_of(data).decide(("appearance", "unsure", "female", "nose"))
    assert ids(rec) == ["fix"]
    assert rec.kinds == ("reconstructive",)


# ---------------------------------------------------------------- causes and areas ----


def test_a_procedure_tied_to_a_cause_is_listed_only_for_it_not_when_the_cause_is_not_known():
    engine = with_procedures(
        {"id": "after_illness", "kinds": ["reconstructive"], "causes": ["disease"]},
        {"id": "any_repair", "kinds": ["reconstructive"]},
    )
    assert ids(engine.decide(("appearance", "disease", "female", "nose"))) == ["after_illness", "any_repair"]
    assert ids(engine.decide(("appearance", "trauma", "female", "nose"))) == ["any_repair"]
    assert ids(engine.decide(("appearance", "unsure", "female", "nose"))) == ["any_repair"]


def test_a_procedure_is_not_listed_for_the_answers_it_does_not_treat():
    engine = with_procedures(
        {"id": "reshape", "kinds": ["reconstructive"], "not_for": [{"cause": ["trauma"]}, {"gender": ["male"]}]},
        {"id": "any_repair", "kinds": ["reconstructive"]},
    )
    assert ids(engine.decide(("appearance", "disease", "female", "nose"))) == ["reshape", "any_repair"]
    assert ids(engine.decide(("appearance", "trauma", "female", "nose"))) == ["any_repair"]
    assert ids(engine.decide(("appearance", "disease", "male", "nose"))) == ["any_repair"]
    assert ids(engine.decide(("appearance", "disease", "unspecified", "nose"))) == ["reshape", "any_repair"]


def test_a_not_for_condition_excludes_only_where_all_its_answers_match():
    engine = with_procedures(
        {"id": "reshape", "kinds": ["reconstructive"], "not_for": [{"goal": ["function"], "cause": ["none"]}]},
    )
    assert ids(engine.decide(("function", "none", "female", "nose"))) == []
    assert ids(engine.decide(("function", "trauma", "female", "nose"))) == ["reshape"]
    assert ids(engine.decide(("appearance", "trauma", "female", "nose"))) == ["reshape"]


def test_an_unknown_area_lists_only_what_is_tied_to_the_cause():
    engine = with_procedures(
        {"id": "after_illness", "kinds": ["reconstructive"], "causes": ["disease"]},
        {"id": "any_repair", "kinds": ["reconstructive"]},
    )
    assert ids(engine.decide(("appearance", "disease", "female", "unsure"))) == ["after_illness"]
    rec = engine.decide(("appearance", "trauma", "female", "unsure"))
    assert ids(rec) == []
    assert rec.empty == engine.table.notes.area_unsure


def test_when_nothing_fits_a_known_area_one_sentence_says_the_surgeon_will_advise_and_no_reason_repeats_it():
    engine = with_procedures({"id": "nose_only", "kinds": ["reconstructive"]})
    rec = engine.decide(("appearance", "trauma", "female", "chest"))
    assert rec.procedures == ()
    assert rec.empty == engine.table.notes.no_procedure
    assert rec.reasons == (rec.rule.reason,)
    assert engine.decide(("appearance", "trauma", "female", "nose")).empty is None


def test_an_answer_with_a_note_adds_it_as_advice_not_as_a_reason():
    data = tiny()
    data["questions"][1]["choices"][2]["note"] = "Have it examined."  # cause: disease
    engine = engine_of(data)
    rec = engine.decide(("appearance", "disease", "female", "nose"))
    assert [(a.id, a.text) for a in rec.advice] == [("cause=disease", "Have it examined.")]
    assert "Have it examined." not in rec.reasons
    assert engine.decide(("appearance", "trauma", "female", "nose")).advice == ()


def test_a_rule_with_advice_adds_it_to_every_result_it_reports():
    data = tiny()
    data["rules"][0]["advice"] = "Call 911 if it is sudden."  # hurt: trauma or disease
    engine = engine_of(data)
    for rec in engine.decide_all().values():
        assert ("rule=hurt" in [a.id for a in rec.advice]) == (rec.rule.id == "hurt"), rec.answers


def test_a_rule_left_open_can_show_the_note_of_the_category_its_reason_speaks_of():
    data = tiny()
    data["categories"][1]["note"] = "The insurer decides."
    data["rules"][-1]["show_note_of"] = "reconstructive"  # open-cause
    engine = engine_of(data)
    rec = engine.decide(("appearance", "unsure", "female", "nose"))
    assert [(a.id, a.text) for a in rec.advice] == [("category=reconstructive", "The insurer decides.")]
    assert engine.decide(("unsure", "none", "female", "nose")).advice == ()


# ---------------------------------------------------------------- order ----


def test_gender_ranks_what_fits_and_never_hides_it():
    engine = with_procedures(
        {"id": "for_women", "common_for": ["female"]},
        {"id": "for_men", "common_for": ["male"]},
    )
    assert ids(engine.decide(("appearance", "none", "female", "nose"))) == ["for_women", "for_men"]
    assert ids(engine.decide(("appearance", "none", "male", "nose"))) == ["for_men", "for_women"]
    assert ids(engine.decide(("appearance", "none", "unspecified", "nose"))) == ["for_women", "for_men"]


def test_a_procedure_for_one_sex_is_hidden_from_the_other_first_for_it_and_last_when_unsaid():
    engine = with_procedures(
        {"id": "common", "common_for": ["male"]},
        {"id": "mens", "only_for": "male"},
    )
    assert ids(engine.decide(("appearance", "none", "male", "nose"))) == ["mens", "common"]
    assert ids(engine.decide(("appearance", "none", "female", "nose"))) == ["common"]
    assert ids(engine.decide(("appearance", "none", "unspecified", "nose"))) == ["common", "mens"]


def test_what_is_tied_to_the_patients_cause_comes_before_what_is_made_for_their_sex():
    engine = with_procedures(
        {"id": "mens", "kinds": ["reconstructive"], "only_for": "male"},
        {"id": "after_illness", "kinds": ["reconstructive"], "causes": ["disease"]},
    )
    assert ids(engine.decide(("appearance", "disease", "male", "nose"))) == ["after_illness", "mens"]
    assert ids(engine.decide(("appearance", "trauma", "male", "nose"))) == ["mens"]


def test_in_a_result_left_open_the_order_of_kinds_offered_comes_first():
    engine = with_procedures({"id": "looks", "kinds": ["cosmetic"]}, {"id": "repair", "kinds": ["reconstructive"]})
    assert engine.table.category("undetermined").offer == ["reconstructive", "cosmetic"]
    assert ids(engine.decide(("unsure", "none", "female", "nose"))) == ["repair", "looks"]


def test_an_answer_with_an_order_puts_the_kinds_that_serve_it_first():
    data = tiny()
    data["questions"][0]["choices"][0]["order"] = ["cosmetic", "reconstructive"]  # goal: appearance
    data["procedures"] = [
        {"id": "repair", "name": "R", "summary": "S.", "areas": ["nose"], "kinds": ["reconstructive"]},
        {"id": "looks", "name": "L", "summary": "S.", "areas": ["nose"], "kinds": ["cosmetic"]},
        {"id": "illness", "name": "I", "summary": "S.", "areas": ["nose"], "kinds": ["reconstructive"],
         "causes": ["unsure"]},
    ]  # fmt: skip
    engine = engine_of(data)
    assert ids(engine.decide(("appearance", "unsure", "female", "nose"))) == ["looks", "illness", "repair"]
    assert ids(engine.decide(("unsure", "unsure", "female", "nose"))) == ["illness", "repair", "looks"]


# ---------------------------------------------------------------- what if ----


def test_what_if_names_a_different_aim_that_decides_the_other_category():
    rec = engine_of(tiny()).decide(("appearance", "none", "female", "nose"))
    assert rec.category.id == "cosmetic"
    assert (rec.what_if.question.id, rec.what_if.code, rec.what_if.category.id) == (
        "goal",
        "function",
        "reconstructive",
    )


def test_what_if_never_names_a_different_cause_unless_the_table_asks_for_it():
    engine = engine_of(tiny())
    for rec in engine.decide_all().values():
        assert rec.what_if is None or rec.what_if.question.id == "goal"
    assert engine.decide(("appearance", "trauma", "female", "nose")).what_if is None  # no aim changes an injury


def test_what_if_skips_a_change_that_only_leaves_the_question_open():
    rec = engine_of(tiny()).decide(("appearance", "unsure", "female", "nose"))
    assert rec.category.id == "undetermined"
    assert rec.what_if is None  # every other aim also leaves it open


def test_what_if_from_a_result_left_open_names_the_aim_that_decides_it():
    rec = engine_of(tiny()).decide(("unsure", "none", "female", "nose"))
    assert rec.category.id == "undetermined"
    assert (rec.what_if.code, rec.what_if.category.id) == ("appearance", "cosmetic")
