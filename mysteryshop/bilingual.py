"""Texts written by the scheme (questions, sections, questionnaires, scenarios, commitment areas) in
English and Welsh.

Each bilingual model keeps its English in its own fields, as before, and its Welsh in one JSON field,
`welsh` ({field: text}; for choice questions {"options": {key: text}}). Beside it, `welsh_source` keeps
the English each Welsh text was written for: when the English changes (in a draft, or in a new version
copied from an old one), the Welsh no longer matches it, and `welsh_out_of_date` names the fields to look
at again. Answers are stored without language (option keys, true/false, numbers), so reports in either
language roll up together.

Why not django-modeltranslation or django-parler: two languages and a handful of fields per model, and
neither knows which English a translation was written for, which is what marks Welsh out of date.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation

WELSH = "cy"


def welsh_is_active() -> bool:
    return translation.get_language() == WELSH


class Bilingual(models.Model):
    """Adds the Welsh of `translated_fields` and what each was translated from."""

    translated_fields: tuple[str, ...] = ()

    welsh = models.JSONField("Welsh", default=dict, blank=True)
    welsh_source = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    # --- Reading ---------------------------------------------------------------------------

    def shown(self, field: str):
        """The field as a person reads it now: Welsh on a Welsh page (or in a Welsh e-mail) when there is
        Welsh for it, otherwise the English. For `options`, the list of {key, label} with Welsh labels."""
        english = getattr(self, field)
        if not welsh_is_active():
            return english
        if field == "options":
            labels = self.welsh.get("options") or {}
            return [{**option, "label": labels.get(str(option["key"])) or option["label"]} for option in english]
        return self.welsh.get(field) or english

    def welsh_text(self, field: str):
        """The Welsh of a field ('' when there is none); for `options`, {key: text}."""
        return self.welsh.get(field) or ({} if field == "options" else "")

    # --- Writing ---------------------------------------------------------------------------

    def english_of(self, field: str):
        """What a Welsh text of this field is a translation of (for options, {key: English label})."""
        if field == "options":
            return {str(option["key"]): option["label"] for option in getattr(self, field) or []}
        return getattr(self, field)

    def _english_for(self, field: str, welsh):
        """The English the Welsh `welsh` of `field` stands for now (for options, those of its keys still there)."""
        if field == "options":
            english = self.english_of("options")
            return {key: english[key] for key in welsh if key in english}
        return self.english_of(field)

    def set_welsh(self, field: str, text) -> None:
        """Keep `text` as the Welsh of `field`, written for the English as it stands now; empty removes it."""
        welsh, source = dict(self.welsh or {}), dict(self.welsh_source or {})
        if field == "options":
            english = self.english_of("options")
            text = {key: value.strip() for key, value in (text or {}).items() if key in english and value.strip()}
        else:
            text = (text or "").strip()
        if text:
            if welsh.get(field) != text or field not in source:
                source[field] = self._english_for(field, text)
            welsh[field] = text
        else:
            welsh.pop(field, None)
            source.pop(field, None)
        self.welsh, self.welsh_source = welsh, source

    def confirm_welsh(self, field: str) -> None:
        """Say the Welsh still fits the English as it stands (the English changed in a way that needs no new Welsh)."""
        if field in (self.welsh or {}):
            self.welsh_source = {**(self.welsh_source or {}), field: self._english_for(field, self.welsh[field])}

    # --- Checking --------------------------------------------------------------------------

    def fields_in_use(self) -> tuple[str, ...]:
        """The translated fields this item shows (a question's options only if it is a choice question...)."""
        return self.translated_fields

    @property
    def welsh_out_of_date(self) -> list[str]:
        """Fields whose Welsh was written for English that has since changed."""
        stale = []
        for field in self.fields_in_use():
            if field not in (self.welsh or {}):
                continue
            written_for = (self.welsh_source or {}).get(field)
            # An option added since, without Welsh, leaves the Welsh to be looked at again too.
            untranslated = field == "options" and set(self.english_of("options")) - set(self.welsh["options"])
            if written_for != self._english_for(field, self.welsh[field]) or untranslated:
                stale.append(field)
        return stale

    @property
    def welsh_missing(self) -> list[str]:
        """Fields with English but no Welsh."""
        return [
            field for field in self.fields_in_use() if self.english_of(field) and not (self.welsh or {}).get(field)
        ]  # fmt: skip


# --- In questionnaire files (export, import, new versions, the starter questionnaires) ---------------


def dump_welsh(item: Bilingual) -> dict:
    """The Welsh of an item and what it was written for, for a questionnaire file (nothing when none)."""
    return {"welsh": dict(item.welsh), "welsh_source": dict(item.welsh_source)} if item.welsh else {}


def load_welsh(item: Bilingual, data: dict) -> None:
    """Take the Welsh from a questionnaire file's entry. Welsh without a record of the English it was
    written for (a file written by hand, a starter questionnaire) is taken as written for the English given."""
    welsh = data.get("welsh")
    if not isinstance(welsh, dict):
        return
    source = data.get("welsh_source") if isinstance(data.get("welsh_source"), dict) else {}
    for field in item.translated_fields:
        text = welsh.get(field)
        if field == "options":
            text = {str(key): str(value) for key, value in text.items()} if isinstance(text, dict) else {}
        else:
            text = str(text or "")
        item.set_welsh(field, text)
        if field in item.welsh and field in source:
            item.welsh_source = {**item.welsh_source, field: source[field]}


def shown_in_sql(field: str):
    """`Bilingual.shown` for a query (roll-up pages read names with subqueries): the Welsh on a Welsh page
    where there is Welsh, otherwise the English."""
    from django.db.models import F, TextField, Value
    from django.db.models.fields.json import KT
    from django.db.models.functions import Cast, Coalesce, NullIf

    if not welsh_is_active():
        return F(field)
    return Coalesce(NullIf(KT(f"welsh__{field}"), Value("")), Cast(field, TextField()), output_field=TextField())
