"""The language layer: our entity patterns win over the statistical NER; other pipelines by name."""

from __future__ import annotations

from typer.testing import CliRunner

from fogwatch.cli import app
from fogwatch.language import load, sentence_of, sentences, text_of


def test_countries_and_regions_are_labelled_as_places():
    nlp = load()
    doc = nlp("Azerbaijan said its forces entered Nagorno-Karabakh. Azerbaijan and Armenia traded fire. "
              "Turkey backed Azerbaijan while Iran called for calm in Nagorno-Karabakh.")
    labels = {(e.text, e.label_) for e in doc.ents}
    assert ("Azerbaijan", "PERSON") not in labels
    assert all(label in ("GPE", "LOC") for text, label in labels if text in ("Azerbaijan", "Nagorno-Karabakh"))
    assert ("Nagorno-Karabakh", "ORG") not in labels


def test_line_breaks_end_sentences():
    doc = load()("Army retakes bridge\nThe army said on Monday it had retaken the bridge.")
    assert [s.text.strip() for s in sentences(doc)] == ["Army retakes bridge", "The army said on Monday it had retaken the bridge."]


def test_cached_sentences_and_text_agree_with_spacy():
    doc = load()("One. Two sentences here. And a third one.")
    assert text_of(doc) == doc.text
    assert [s.start for s in sentences(doc)] == [s.start for s in doc.sents]
    assert all(sentence_of(t) == t.sent for t in doc)


def test_unknown_model_is_a_clear_error(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Shelling resumed overnight in the south of the city, residents said.")
    result = CliRunner().invoke(app, ["extract", str(path), "--model", "no_such_pipeline_xyz"])
    assert result.exit_code == 2
    assert "not installed" in result.output and "never downloads" in result.output


def test_columns_agree_with_spacy_tokens():
    from fogwatch.language import columns, release, token_chars, tokens_text

    doc = load()("The army said on Monday that RSF fighters had shelled El Fasher, killing 12 civilians.\n"
                 "“We will respond,” a spokesman told Reuters.")
    cols = columns(doc)
    assert columns(doc) is cols  # built once per Doc
    for t in doc:
        assert (cols.lower[t.i], cols.lemma[t.i], cols.pos[t.i], cols.like_num[t.i], cols.idx[t.i]) == \
            (t.lower_, t.lemma_.lower(), t.pos_, t.like_num, t.idx)
        assert cols.tokens[t.i] == t
    for start in range(len(doc)):
        for end in range(start, min(len(doc), start + 6) + 1):
            span = doc[start:end]
            assert tokens_text(doc, start, end) == span.text
            if end > start:
                assert token_chars(doc, start, end) == (span.start_char, span.end_char)
    release(doc)
    assert not any(str(k).startswith("fogwatch_") for k in doc.user_data)
    assert columns(doc) is not cols  # rebuilt after release
