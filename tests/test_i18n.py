"""The translation catalogues are complete and safe to format.

Messages are re-extracted from the code and templates here, with the same mapping file and keywords as
the `pybabel extract` command maintainers run, so a string added without a translation fails this test.
No database is needed.

To refresh the catalogues after adding or changing strings (from the project root):

    .venv/bin/pybabel extract -F deliberate/locale/babel.cfg --no-default-keywords \
        -k _ -k gettext -k ngettext:1,2 -k N_ --add-location=file --sort-output \
        --ignore-dirs=".* ._ node_modules __pycache__" --project=deliberate --version=0.1.0 \
        --copyright-holder="deliberate contributors" -o deliberate/locale/messages.pot .
    for l in th en; do .venv/bin/pybabel update -i deliberate/locale/messages.pot -d deliberate/locale \
        -l $l --init-missing --no-fuzzy-matching --ignore-obsolete; done

then translate every empty msgstr in deliberate/locale/th/LC_MESSAGES/messages.po (and copy the msgid into
the English one).
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from deliberate.i18n import LANGUAGES, LOCALE_DIR, catalogue

ROOT = Path(__file__).resolve().parent.parent
MAPPING = LOCALE_DIR / "babel.cfg"
POT = LOCALE_DIR / "messages.pot"
# Same keywords as the pybabel command above (`--no-default-keywords -k _ -k gettext -k ngettext:1,2 -k N_`).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
IGNORE_DIRS = (".*", "._", "node_modules", "__pycache__")
THAI = re.compile(r"[\u0e00-\u0e7f]")
REFRESH_HINT = "refresh the catalogues with the pybabel commands in tests/test_i18n.py's docstring"


def _keep_dir(path: str) -> bool:
    name = os.path.basename(path)
    return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORE_DIRS)


@cache
def extracted() -> dict[str, tuple[str, ...]]:
    """Every msgid in the code and templates (a plural call gives two), with the files it comes from."""
    with MAPPING.open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, str(MAPPING))
    found: dict[str, set[str]] = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_keep_dir
    ):
        for msgid in message if isinstance(message, tuple) else (message,):
            if msgid:
                found.setdefault(msgid, set()).add(filename)
    return {msgid: tuple(sorted(files)) for msgid, files in found.items()}


@cache
def po(language: str) -> Catalog:
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=language)


def entries(language: str) -> dict[str, str]:
    """msgid -> msgstr for every non-fuzzy entry; a plural entry contributes each of its forms."""
    out: dict[str, str] = {}
    for m in po(language):
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, tuple):
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            for i, msgid in enumerate(m.id):
                out[msgid] = strings[min(i, len(strings) - 1)] if strings else ""
        else:
            out[m.id] = m.string
    return out


def fields(text: str) -> set[str]:
    """The `{name}` placeholders str.format would fill in `text` (raises ValueError on stray braces)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_extraction_finds_the_known_strings() -> None:
    # Guards the test itself: if the mapping or keywords broke, everything below would pass vacuously.
    found = extracted()
    assert len(found) > 150
    assert "Join a session" in found  # a template
    assert "Your personal data" in found  # N_() in Python
    assert "{n} sessions" in found  # a template call with a keyword argument


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    translated = {msgid for msgid, msgstr in entries(language).items() if msgstr.strip()}
    missing = sorted(set(extracted()) - translated)
    lines = [f"  {msgid!r}  ({', '.join(extracted()[msgid])})" for msgid in missing]
    assert not missing, (
        f"{len(missing)} message(s) have no translation in the {language!r} catalogue "
        f"(missing, empty or fuzzy); {REFRESH_HINT} and translate them:\n" + "\n".join(lines)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_app_loads_every_translation(language: str) -> None:
    # What deliberate.i18n actually serves, not just what the .po file holds (e.g. plural entries).
    loaded = catalogue(language)
    missing = sorted(msgid for msgid in extracted() if not loaded.get(msgid))
    assert not missing, f"deliberate.i18n.catalogue({language!r}) has no translation for: {missing}"


def test_no_marked_string_escapes_extraction() -> None:
    # Babel's Python extractor silently drops some nested calls, e.g. gettext(d.get(k, N_("..."))).
    # Cross-check every literal passed to a marker in the code against what it extracted.
    markers = set(KEYWORDS)
    found = extracted()
    lost = []
    for path in sorted((ROOT / "deliberate").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in markers:
                for arg in node.args[:2] if node.func.id == "ngettext" else node.args[:1]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value not in found:
                        lost.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value!r}")
    assert not lost, "marked strings that pybabel does not extract (hoist them into a constant):\n" + "\n".join(lost)


def test_the_template_is_up_to_date() -> None:
    with POT.open("rb") as f:
        in_pot = {msgid for m in read_po(f) if m.id for msgid in (m.id if isinstance(m.id, tuple) else (m.id,))}
    new, gone = sorted(set(extracted()) - in_pot), sorted(in_pot - set(extracted()))
    assert not new and not gone, f"messages.pot is stale ({REFRESH_HINT}); new: {new}; gone: {gone}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_are_kept(language: str) -> None:
    problems = []
    for msgid, msgstr in entries(language).items():
        if not msgstr:
            continue
        try:
            want, got = fields(msgid), fields(msgstr)
        except ValueError as exc:  # a stray { or } would make str.format raise at runtime
            problems.append(f"{msgid!r} -> {msgstr!r}: {exc}")
            continue
        if want != got:
            problems.append(f"{msgid!r} -> {msgstr!r}: expected {sorted(want)}, found {sorted(got)}")
    assert not problems, f"placeholders differ in the {language!r} catalogue:\n" + "\n".join(problems)


def test_translations_format_with_their_placeholders() -> None:
    for language in LANGUAGES:
        for msgid, msgstr in entries(language).items():
            names = fields(msgid)
            if names and msgstr:
                msgstr.format(**{name: 7 for name in names})  # must not raise


def test_thai_is_really_thai() -> None:
    thai = entries("th")
    english = entries("en")
    strings = [msgstr for msgid, msgstr in thai.items() if msgid in extracted() and msgstr]
    in_thai = [s for s in strings if THAI.search(s)]
    assert strings and len(in_thai) / len(strings) > 0.9, (
        f"only {len(in_thai)} of {len(strings)} Thai msgstrs contain Thai script; untranslated: "
        f"{sorted(s for s in strings if not THAI.search(s))}"
    )
    same_as_english = [msgid for msgid, msgstr in thai.items() if msgstr and msgstr == english.get(msgid)]
    assert len(same_as_english) <= len(thai) // 10, f"Thai equals English for: {same_as_english}"


def test_english_has_no_thai_except_proper_names() -> None:
    # The English catalogue is for people who do not read Thai; only Thai abbreviations in brackets are allowed.
    leaked = [msgstr for msgstr in entries("en").values() if THAI.search(re.sub(r"\([^)]*\)", "", msgstr))]
    assert not leaked, f"Thai text in the English catalogue: {leaked}"


def test_catalogues_have_no_fuzzy_or_obsolete_entries() -> None:
    for language in LANGUAGES:
        catalog = po(language)
        fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
        assert not fuzzy, f"fuzzy entries in {language!r} (check and unflag them): {fuzzy}"
        assert not catalog.obsolete, f"obsolete entries in {language!r}: {list(catalog.obsolete)}"


@pytest.mark.parametrize(
    ("language", "header", "forms", "expected"),
    [
        ("th", "nplurals=1; plural=0;", ['msgstr[0] "มี {n} ข้อเสนอ"'], ("มี {n} ข้อเสนอ", "มี {n} ข้อเสนอ")),
        (
            "en",
            "nplurals=2; plural=(n != 1);",
            ['msgstr[0] "{n} proposal"', 'msgstr[1] "{n} proposals"'],
            ("{n} proposal", "{n} proposals"),
        ),
    ],
)
def test_plural_entries_give_each_form(
    tmp_path: Path, language: str, header: str, forms: list[str], expected: tuple[str, str]
) -> None:
    from deliberate.i18n import read_catalogue

    po = tmp_path / "messages.po"
    po.write_text(
        "\n".join(
            [
                'msgid ""',
                'msgstr ""',
                f'"Language: {language}\\n"',
                f'"Plural-Forms: {header}\\n"',
                '"Content-Type: text/plain; charset=utf-8\\n"',
                "",
                'msgid "{n} proposal"',
                'msgid_plural "{n} proposals"',
                *forms,
                "",
                'msgid "Join"',
                'msgstr "เข้าร่วม"',
                "",
            ]
        ),
        encoding="utf-8",
    )
    loaded = read_catalogue(po, language)
    assert (loaded["{n} proposal"], loaded["{n} proposals"]) == expected
    assert loaded["Join"] == "เข้าร่วม"
