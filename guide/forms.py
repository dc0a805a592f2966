"""The questionnaire's forms: one question per form, choices built from the rule table."""

from __future__ import annotations

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from guide.table import Question, Urgent

translate_lazy = lazy_gettext  # for texts of the rule table, which the rules.yaml extractor catalogs

URGENT = "urgent"  # the field and page name of the screening question
URGENT_CHOICES = ("yes", "no")  # its answers, in the order state codes use


class QuestionForm(FlaskForm):
    """A single question, answered by choosing one radio button."""

    #: The name of the one field of the form (the question id).
    field_name: str = ""

    @property
    def answer(self) -> RadioField:
        """The form's single field."""
        return self[self.field_name]


def _radio(field_id: str, error: str, choices: list[tuple[str, str, str | None]]) -> RadioField:
    """A required radio group whose message is the table's specific one."""
    message = translate_lazy(error)
    return RadioField(
        choices=[
            SelectChoice(
                code,
                translate_lazy(label),
                render_kw={"aria-describedby": f"{field_id}-{code}-hint"} if hint else {},
            )
            for code, label, hint in choices
        ],
        validators=[InputRequired(message=message), AnyOf([code for code, _label, _hint in choices], message=message)],
        validate_choice=False,
    )


def form_class(question: Question) -> type[QuestionForm]:
    """The form class for one question of the table (cheap: built per request)."""
    field = _radio(question.id, question.error, [(c.id, c.label, c.hint) for c in question.choices])
    return type(f"{question.id.title()}Form", (QuestionForm,), {question.id: field, "field_name": question.id})


def urgent_form_class(urgent: Urgent) -> type[QuestionForm]:
    """The form class for the screening question asked first."""
    yes, no = URGENT_CHOICES
    field = _radio(URGENT, urgent.error, [(yes, urgent.choice_yes, None), (no, urgent.choice_no, None)])
    return type("UrgentForm", (QuestionForm,), {URGENT: field, "field_name": URGENT})


class ConfirmForm(FlaskForm):
    """A button that changes state, such as Start again: only its CSRF token."""


class CodeForm(FlaskForm):
    """An answer code typed in (sent with GET: it changes nothing, so it needs no CSRF token)."""

    class Meta:
        csrf = False

    code = StringField(
        lazy_gettext("Answer code"),
        description=lazy_gettext("5 characters, for example 5QW7K. Spaces and dashes do not matter."),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )
