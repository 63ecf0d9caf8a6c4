"""Languages: locale choice, formats, and complete French, Italian and German catalogs."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import format_datetime

from facilitator.extensions import db
from tests.conftest import text_of

ROOT = Path(__file__).resolve().parent.parent
CATALOG_LANGUAGES = ("fr", "it", "de")


def test_french_is_the_default(client):
    page = text_of(client.get("/"))
    assert '<html lang="fr-CH">' in page
    assert "Se connecter" in page


def test_accept_language_is_followed(client):
    page = text_of(client.get("/", headers={"Accept-Language": "it-CH,it;q=0.9"}))
    assert '<html lang="it-CH">' in page
    assert "Accedi" in page


def test_explicit_choice_sticks_for_the_session(client):
    client.get("/?lang=it")
    page = text_of(client.get("/auth/login", headers={"Accept-Language": "fr"}))
    assert '<html lang="it-CH">' in page
    assert "Password dimenticata?" in page


def test_unknown_language_choice_is_ignored(client):
    assert '<html lang="fr-CH">' in text_of(client.get("/?lang=klingon"))


def test_saved_preference_wins_and_the_switcher_updates_it(client, login, make_user):
    user = make_user(locale="it")
    login(user)
    page = text_of(client.get("/", headers={"Accept-Language": "fr"}))
    assert "I miei gruppi" in page
    client.get("/?lang=fr")
    db.session.refresh(user)
    assert user.locale == "fr"
    assert "Mes groupes" in text_of(client.get("/"))


def test_every_page_offers_the_language_switcher(client):
    page = text_of(client.get("/auth/reset"))
    assert 'href="?lang=it"' in page
    assert 'lang="it"' in page


def test_dates_use_swiss_formats(app):
    moment = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)  # 19:00 in Zurich (summer time)
    with app.test_request_context("/?lang=fr"):
        app.preprocess_request()
        assert format_datetime(moment, "short") == "31.03.26 19:00"
        assert format_datetime(moment, "EEEE d MMMM") == "mardi 31 mars"
    with app.test_request_context("/?lang=it"):
        app.preprocess_request()
        assert format_datetime(moment, "EEEE d MMMM") == "martedì 31 marzo"
    with app.test_request_context("/?lang=de"):
        app.preprocess_request()
        assert format_datetime(moment, "short") == "31.03.26, 19:00"
        assert format_datetime(moment, "EEEE d. MMMM") == "Dienstag 31. März"


def test_german_speakers_get_the_german_interface(client):
    page = text_of(client.get("/auth/login", headers={"Accept-Language": "de-CH,de;q=0.9"}))
    assert '<html lang="de-CH">' in page
    assert "Passwort vergessen?" in page


def test_swiss_german_spelling_has_no_sharp_s():
    """Swiss Standard German writes "ss" (schliessen, gross), never "ß"."""
    text = (ROOT / "translations" / "de" / "LC_MESSAGES" / "messages.po").read_text("utf-8")
    assert "ß" not in text


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalog_has_no_untranslated_or_fuzzy_entry(language):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    catalog = read_po(path.open("rb"), locale=language)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s and s.strip() for s in strings):
            problems.append(message.id)
    assert problems == []


@pytest.fixture(scope="module")
def extracted_ids(tmp_path_factory):
    """The message ids in the code today, extracted as `make translations` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "translations/babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(pot.open("rb")) if m.id}


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_catalog_covers_every_message_in_the_code(language, extracted_ids):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    catalog = read_po(path.open("rb"), locale=language)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert sorted(extracted_ids - translated) == []


TEMPLATE_CALL = re.compile(r"""\b_\(\s*(["'])(.+?)(?<!\\)\1""", re.S)


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_string_in_the_templates_is_translated(language):
    """A second look, independent of the extractor (which can fail silently)."""
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    catalog = read_po(path.open("rb"), locale=language)
    translated = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = set()
    for template in (ROOT / "facilitator").rglob("templates/**/*.*"):
        for _quote, raw in TEMPLATE_CALL.findall(template.read_text(encoding="utf-8")):
            text = raw.replace('\\"', '"').replace("\\'", "'")
            if text not in translated:
                missing.add((template.name, text))
    assert sorted(missing) == []


def french_strings():
    """Every French msgstr, with its msgid."""
    path = ROOT / "translations" / "fr" / "LC_MESSAGES" / "messages.po"
    for message in read_po(path.open("rb"), locale="fr"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        for text in strings:
            yield msgid, text


# A plain space (U+0020) before : ; ? ! or », or after «. French wants a no-break
# space there (U+00A0, or the narrow U+202F), so that the sign never starts a line.
PLAIN_SPACE_IN_FRENCH_PUNCTUATION = re.compile(r" [:;?!»]|« ")


def test_french_punctuation_has_a_no_break_space():
    wrong = [
        (msgid, text)
        for msgid, text in french_strings()
        if PLAIN_SPACE_IN_FRENCH_PUNCTUATION.search(text)
    ]
    assert wrong == []


# "connecté·e", "invité·e·s": a median dot inside a word, for inclusive writing.
# Screen readers spell it out; we write epicene wording or doublets instead.
# A dot with spaces around it, as a separator ("Lausanne · Vaud"), is fine.
MEDIAN_DOT_IN_A_WORD = re.compile(r"\w[·•⋅]\w")


def test_french_uses_no_median_dot_for_inclusive_writing():
    assert [
        (msgid, text) for msgid, text in french_strings() if MEDIAN_DOT_IN_A_WORD.search(text)
    ] == []


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("Lieu : salle B", True),
        ("Lieu\u00a0: salle B", False),
        ("Lieu\u202f: salle B", False),
        ("Vraiment ?", True),
        ("« Rencontre »", True),
        ("«\u00a0Rencontre\u00a0»", False),
        ("19:00", False),
        ("https://exemple.ch", False),
    ],
)
def test_the_french_punctuation_check_tells_plain_from_no_break_spaces(text, flagged):
    assert bool(PLAIN_SPACE_IN_FRENCH_PUNCTUATION.search(text)) is flagged


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("connecté·e", True),
        ("invité·e·s", True),
        ("Absent·e du", True),
        ("Lausanne · Vaud", False),
        ("Animation · 19:00", False),
    ],
)
def test_the_median_dot_check_tells_inclusive_writing_from_a_separator(text, flagged):
    assert bool(MEDIAN_DOT_IN_A_WORD.search(text)) is flagged
