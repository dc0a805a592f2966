"""Translating a text: Flask-Babel's catalogs, found once per language.

Flask-Babel finds the request's catalog again for every text it translates (a dozen context lookups
each time); a page translates dozens of texts. `translations()` keeps each language's catalog for the
app (what Flask-Babel found for it the first time), so a text costs the request's Locale and one
dictionary lookup, and a `force_locale` block (the desk speaks every language) gets the catalog of the
language it forces. The templates' `_()` and the code's `gettext()` both use it.

A page's `_()` goes further: it is bound to the page's catalog when the page's context is built (a
context processor), so that each of its texts is one dictionary lookup. It means what Jinja's
"newstyle" gettext means (marked safe under autoescaping, `%(name)s` always filled in from its keyword
arguments); macros imported without the page's context, and `{% trans %}` blocks, use the
environment's callables above, which find the catalog for each text.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import Flask, current_app, has_app_context
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup


def translations() -> NullTranslations:
    """The catalog of the language the request is answered in (outside an app, Flask-Babel's: none)."""
    if not has_app_context():
        return get_translations()
    locale = get_locale()
    catalogs: dict[Any, NullTranslations] = current_app.extensions.setdefault("guide_catalogs", {})
    catalog = catalogs.get(locale)
    if catalog is None:
        catalog = catalogs[locale] = get_translations()
    return catalog


def gettext(text: str, **variables: Any) -> str:
    """A text in the request's language, `%(name)s` filled in from `variables` (as Flask-Babel's gettext)."""
    translated = translations().ugettext(text)
    return translated % variables if variables else translated


def page_gettext() -> dict[str, Any]:
    """The page's `_()`, bound to the catalog of the language the page is rendered in."""
    catalog = translations()

    @pass_context
    def page_text(context: Context, text: str, **variables: Any) -> str:
        translated = catalog.ugettext(text)
        if context.eval_ctx.autoescape:
            translated = Markup(translated)
        return translated % variables

    return {"_": page_text}


def init_app(app: Flask) -> None:
    """Give the templates' `_()`, `gettext()` and `ngettext()` the catalog kept for their language (after Babel)."""
    app.context_processor(page_gettext)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda text: translations().ugettext(text),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, text: translations().upgettext(context, text),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(context, singular, plural, n),
        newstyle=True,
    )
