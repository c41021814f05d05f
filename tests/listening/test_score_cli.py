"""The `peoplealign listen score` contract: inputs, outputs, keys, ranges, redaction, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from peoplealign.cli.app import app
from peoplealign.listening.model_store import MODEL_VERSION

runner = CliRunner()
LABELS = {"positive", "neutral", "negative"}


def _score(*args: str) -> list[dict]:
    result = runner.invoke(app, ["listen", "score", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def _check_record(record: dict) -> None:
    assert set(record) == {"id", "redacted_text", "sentiment", "label", "themes", "model"}
    assert isinstance(record["id"], str) and isinstance(record["redacted_text"], str)
    assert isinstance(record["sentiment"], float) and -1.0 <= record["sentiment"] <= 1.0
    assert record["label"] in LABELS
    assert record["model"] == MODEL_VERSION
    for theme in record["themes"]:
        assert set(theme) == {"theme", "confidence", "sentiment"}
        assert 0.0 <= theme["confidence"] <= 1.0 and -1.0 <= theme["sentiment"] <= 1.0


@pytest.fixture
def comments_csv(tmp_path: Path) -> Path:
    path = tmp_path / "comments.csv"
    path.write_text(
        "ref,comment\n"
        'a1,"great pay but my manager never listens"\n'
        'a2,"Write to jane.doe@example.com or call +44 20 7946 0958, Maria Gonzalez knows."\n'
        'a3,"Long hours, constant overtime and no work life balance."\n',
        encoding="utf-8",
    )
    return path


def test_csv_to_stdout_with_ids_and_the_contract_shape(comments_csv: Path) -> None:
    records = _score("--input", str(comments_csv), "--text-column", "comment", "--id-column", "ref")
    assert [r["id"] for r in records] == ["a1", "a2", "a3"]
    for record in records:
        _check_record(record)
    assert records[2]["label"] == "negative"


def test_contrast_gives_each_theme_its_own_sentiment(comments_csv: Path) -> None:
    first = _score("--input", str(comments_csv), "--text-column", "comment")[0]
    themes = {t["theme"]: t["sentiment"] for t in first["themes"]}
    # Each theme leans towards the comment's overall tone, which this mixed comment keeps near zero.
    assert themes["Compensation & Benefits"] > 0.2
    assert themes["Management Trust"] < -0.1
    assert themes["Compensation & Benefits"] - themes["Management Trust"] > 0.5


def test_identifiers_are_redacted_before_analysis(comments_csv: Path) -> None:
    text = _score("--input", str(comments_csv), "--text-column", "comment")[1]["redacted_text"]
    assert "jane.doe@example.com" not in text and "<EMAIL>" in text
    assert "7946" not in text and "<PHONE>" in text
    assert "Gonzalez" not in text and "<PERSON>" in text


def test_json_lines_in_file_out_ids_default_to_row_numbers(tmp_path: Path) -> None:
    source, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(
        json.dumps({"text": "I love the flexibility and the people"}) + "\n\n"
        + json.dumps({"text": "Management ignores feedback"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    result = runner.invoke(app, ["listen", "score", "--input", str(source), "--text-column", "text",
                                 "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["1", "2"]
    assert [r["label"] for r in records] == ["positive", "negative"]
    for record in records:
        _check_record(record)


def test_missing_text_column_is_a_clear_error(comments_csv: Path) -> None:
    result = runner.invoke(app, ["listen", "score", "--input", str(comments_csv), "--text-column", "body"])
    assert result.exit_code == 2
    assert "comments.csv: row 2: no column 'body'" in result.output
    assert "Traceback" not in result.output


def test_non_utf8_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("comment\nfine\ncaf\xe9 is great\n".encode("latin-1"))
    result = runner.invoke(app, ["listen", "score", "--input", str(path), "--text-column", "comment"])
    assert result.exit_code == 2
    assert "latin1.csv: row 3: not UTF-8" in result.output


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.csv")
    result = runner.invoke(app, ["listen", "score", "--input", missing, "--text-column", "c"])
    assert result.exit_code == 2
    assert "nope.csv: cannot read the file" in result.output


def test_taxonomy_override(tmp_path: Path, comments_csv: Path) -> None:
    taxonomy = tmp_path / "taxonomy.yaml"
    taxonomy.write_text(
        "themes:\n  - name: Pay\n    description: money\n    keywords: [pay]\n"
        "    examples: [salary is low]\n",
        encoding="utf-8",
    )
    records = _score("--input", str(comments_csv), "--text-column", "comment", "--taxonomy", str(taxonomy))
    assert {t["theme"] for r in records for t in r["themes"]} == {"Pay"}


def test_evaluate_prints_accuracy_against_labels(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text(
        "text,label\nGreat people and good benefits,positive\nTerrible pay and rude managers,negative\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["listen", "evaluate", "--input", str(path), "--text-column", "text",
                                 "--label-column", "label"])  # fmt: skip
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["polarity_accuracy"] == 1.0 and payload["rows"] == 2 and payload["model"] == MODEL_VERSION


def test_evaluate_names_the_row_of_an_unknown_label(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    path.write_text("text,label\nGood,positive\nBad,meh\n", encoding="utf-8")
    result = runner.invoke(app, ["listen", "evaluate", "--input", str(path), "--text-column", "text",
                                 "--label-column", "label"])  # fmt: skip
    assert result.exit_code == 2
    assert "labelled.csv: row 3: column 'label': unknown label 'meh'" in result.output


def test_empty_comment_is_neutral_without_themes(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_text(json.dumps({"text": None}) + "\n" + json.dumps({"text": "..."}) + "\n", encoding="utf-8")
    records = _score("--input", str(path), "--text-column", "text")
    assert [(r["sentiment"], r["label"], r["themes"]) for r in records] == [(0.0, "neutral", [])] * 2
