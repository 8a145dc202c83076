"""Claims: source, cue, stance, quotations, denials answering claims, figures linked to claims.
Sentences are our own; the real pipeline parses them."""

from __future__ import annotations

from datetime import date

import pytest

from fogwatch.extract import run_extractors
from fogwatch.language import load
from fogwatch.model import Article


@pytest.fixture(scope="module")
def nlp():
    return load()


def claims_of(nlp, text: str, outlet: str = "Test Wire"):
    article = Article(text=text, outlet=outlet, published=date(2024, 5, 14))
    ctx = run_extractors(nlp(text), article)
    return ctx.facts["claims"], ctx.facts["figures"]


def test_said_with_named_source(nlp):
    (claim,), _ = claims_of(nlp, "The Sudanese army said on Monday that its troops had retaken the bridge.")
    assert claim.source.country == "SDN" and claim.source.sector == "MIL" and claim.source.kind == "named"
    assert claim.cue.text == "said" and claim.stance == "assert"
    assert "retaken the bridge" in claim.text
    assert claim.source.text.startswith("The Sudanese army")


def test_according_to(nlp):
    (claim,), (figure,) = claims_of(nlp, "At least 12 people were killed in the raid, according to Amnesty International.")
    assert claim.cue.text == "according to" and claim.source.name == "Amnesty International"
    assert claim.source.sector == "NGO"
    assert figure.claim is claim and "12 people were killed" in claim.text


def test_claim_and_allege_stance(nlp):
    (claim,), _ = claims_of(nlp, "The rebels claimed they had shot down a government helicopter.")
    assert claim.stance == "allege" and claim.source.sector == "REB"


def test_denial_answers_the_earlier_claim(nlp):
    claims, _ = claims_of(nlp, "Ukraine's defence ministry said its forces destroyed three Russian tanks near Bakhmut. "
                               "Moscow dismissed the report as fabricated.")
    first, denial = claims
    assert denial.stance == "deny" and denial.source.country == "RUS"
    assert denial.responds_to is first


def test_denial_of_own_claim_is_not_linked(nlp):
    claims, _ = claims_of(nlp, "The army said it repelled the attack. The army later denied that any soldiers were captured.")
    assert claims[1].stance == "deny" and claims[1].responds_to is None


def test_hedges(nlp):
    (claim,), _ = claims_of(nlp, "Reports suggest that dozens of fighters crossed the border overnight.")
    assert claim.stance == "hedge" and claim.source.kind == "anonymous"
    (adverb,), _ = claims_of(nlp, "Militia leaders have reportedly ordered their men to withdraw from the town.")
    assert adverb.stance == "hedge" and adverb.cue.text == "reportedly"


def test_quotation_attributed_after_it_and_carried_over(nlp):
    text = ('"We will not leave our homes," a resident told the agency. '
            'Officials said the convoy would arrive on Tuesday.')
    claims, _ = claims_of(nlp, text)
    assert claims[0].source.kind == "anonymous" and claims[0].cue.text == "told"
    assert "We will not leave our homes" in claims[0].text


def test_quotation_introduced_by_a_colon_spans_sentences(nlp):
    text = ("This is how the UN envoy described the situation: "
            '"The city is surrounded. Food is running out. Nobody can leave."')
    claims, _ = claims_of(nlp, text)
    carried = [c for c in claims if "Nobody can leave" in c.text]
    assert carried and carried[0].source.name and "UN" in (carried[0].source.text or "")


def test_pronoun_takes_the_nearest_actor(nlp):
    claims, _ = claims_of(nlp, "Azerbaijan published footage of what it alleged was an Armenian rocket launcher.")
    alleged = [c for c in claims if c.cue and c.cue.text == "alleged"]
    assert alleged and alleged[0].source.country == "AZE" and alleged[0].stance == "allege"


def test_unattributed_figure_is_the_outlets_voice(nlp):
    claims, (figure,) = claims_of(nlp, "Some 3,000 troops were deployed to the border region.", outlet="Nile Wire")
    (claim,) = claims
    assert claim.source.kind == "outlet" and claim.source.name == "Nile Wire" and claim.source.start is None
    assert figure.claim is claim


def test_subject_that_is_no_speaker(nlp):
    claims, _ = claims_of(nlp, "The arrival of the new brigade suggests an offensive is imminent.")
    assert all(c.source.kind == "outlet" for c in claims)


def test_spans_are_exact(nlp):
    text = ("Turkey's foreign ministry rejected the accusation, saying no Turkish jets had entered the area. "
            "According to the monitor, 40 fighters were killed.")
    claims, _ = claims_of(nlp, text)
    for claim in claims:
        assert text[claim.start:claim.end] == claim.text
        assert text[claim.cue.start:claim.cue.end] == claim.cue.text
        if claim.source.start is not None:
            assert text[claim.source.start:claim.source.end] == claim.source.text


def test_denial_hung_on_the_reported_clause_is_the_reporters(nlp):
    text = ("The rebels said a government jet bombed the market. The defence minister repeated that no jet had "
            "flown over the town that morning and rejected the rebel account as invented.")
    claims, _ = claims_of(nlp, text)
    denial = next(c for c in claims if c.stance == "deny")
    assert "minister" in (denial.source.text or "")
    assert denial.responds_to is claims[0]


# -- speakers we know nothing about, headlines, quotations ------------------------------------------

def test_unknown_subject_of_a_speech_verb_is_the_speaker(nlp):
    claims, _ = claims_of(nlp, "Corporal Hadiza Bello said the checkpoint had been abandoned before dawn. "
                               "Most of the villagers said they would not return.")
    sources = [(c.source.kind, c.source.text) for c in claims]
    assert ("named", "Corporal Hadiza Bello") in sources
    assert ("anonymous", "Most of the villagers") in sources


def test_according_to_a_document_is_attributed(nlp):
    (claim,), _ = claims_of(nlp, "The convoy was delayed for three days, according to a leaked memo.")
    assert claim.source.kind != "outlet" and claim.source.text == "a leaked memo"


def test_inference_verb_with_a_thing_subject_stays_the_outlets(nlp):
    (claim,), _ = claims_of(nlp, "The influx of displaced families suggests the fighting has spread north.")
    assert claim.source.kind == "outlet" and claim.stance == "hedge"


def test_headline_colon_names_the_speaker(nlp):
    claims, _ = claims_of(nlp, "Kurdish commander: the dam is back under our control.\n\nUPDATE: the road has reopened.")
    assert [(c.source.text, c.cue.text) for c in claims if c.cue] == [("Kurdish commander", ":")]


def test_cue_inside_a_quotation_belongs_to_the_quotation(nlp):
    claims, _ = claims_of(nlp, "“I think they shelled the market on purpose,” the mayor said.")
    assert len(claims) == 1 and claims[0].cue.text == "said" and claims[0].source.text == "the mayor"


def test_continued_reports_only_next_to_a_quotation(nlp):
    claims, _ = claims_of(nlp, "“We will hold the bridge,” the spokesman continued. "
                               "The army continued to shell the eastern districts.")
    assert [c.cue.text for c in claims if c.cue] == ["continued"]
    assert claims[0].source.text == "the spokesman"


def test_new_paragraph_closes_an_unclosed_quotation(nlp):
    text = ('The envoy urged both sides "to stop the shelling at once.\n'
            "The rebel council vowed to keep fighting until the army withdrew.")
    claims, _ = claims_of(nlp, text)
    assert any(c.cue and c.cue.text == "vowed" and c.source.text == "The rebel council" for c in claims)


def test_reportedly_hedges_what_a_source_did(nlp):
    claims, _ = claims_of(nlp, "Militia leaders have reportedly urged residents to leave the town.")
    urged = [c for c in claims if c.cue and c.cue.text == "urged"]
    assert urged and urged[0].stance == "hedge" and urged[0].source.text.startswith("Militia leaders")


def test_attitude_adjective_with_a_speaker(nlp):
    claims, _ = claims_of(nlp, "The aid agencies are confident that the corridor will open this week.")
    assert any(c.source.text == "The aid agencies" for c in claims)
    claims, _ = claims_of(nlp, "The road is clear of mines after the weekend.")
    assert all(c.source.kind == "outlet" for c in claims)


def test_headline_colon_with_a_capitalised_name_or_a_split_sentence(nlp):
    claims, _ = claims_of(nlp, "Trump: ‘We Will Win the State Easily.’\n\nThe rally ended late.")
    assert any(c.cue and c.cue.text == ":" and c.source.text == "Trump" for c in claims)
    claims, _ = claims_of(nlp, "Ann Coulter: And Then There Was the One.\n\nA guy just won the primary.")
    colon = [c for c in claims if c.cue and c.cue.text == ":"]
    assert colon and colon[0].source.text == "Ann Coulter" and "Then There Was the One" in colon[0].text


def test_colon_after_a_dash_or_a_line_break_and_place_labels(nlp):
    claims, _ = claims_of(nlp, "Turnout was low - Election monitors: “Queues were short in every district.”")
    assert any(c.cue and c.cue.text == ":" and c.source.text == "Election monitors" for c in claims)
    claims, _ = claims_of(nlp, "(END OF CLIP.)\n\nHOST: And I think the ceasefire is holding.")
    assert [(c.source.text, c.cue.text) for c in claims if c.cue] == [("HOST", ":")]
    claims, figures = claims_of(nlp, "Syria: shelling killed 12 people in Idlib on Monday.")
    assert all(c.source.kind == "outlet" for c in claims)  # a topic label, not a speaker


def test_dash_aside_after_the_subject_is_no_dateline(nlp):
    (claim,), _ = claims_of(nlp, "Opposition leaders — and, above all, the party's chairman — insisted that the vote be delayed.")
    assert claim.source.kind != "outlet" and claim.source.text.startswith("Opposition leaders")
    assert claim.cue.text == "insisted" and claim.stance == "assert"


def test_present_participle_of_speech_takes_the_noun_it_modifies(nlp):
    (claim,), _ = claims_of(nlp, "Police received dozens of calls from residents saying the water smelled of fuel.")
    assert claim.cue.text == "saying" and claim.source.text == "residents"
    assert claim.stance == "assert" and "smelled of fuel" in claim.text


def test_as_clause_with_a_verb_of_speech(nlp):
    (claim,), _ = claims_of(nlp, "As the regional newspaper noted, the bridge has been closed since March.")
    assert claim.cue.text == "noted" and claim.source.text == "the regional newspaper"
    assert claim.stance == "assert" and "closed since March" in claim.text


def test_weak_verb_right_after_a_closing_quotation(nlp):
    claims, _ = claims_of(nlp, "“The crossing is slower than ever.” Okafor wrote.")
    (claim,) = [c for c in claims if c.cue is not None]
    assert claim.cue.text == "wrote" and claim.source.text == "Okafor" and claim.stance == "assert"


def test_speaker_named_before_an_aside_after_a_quotation(nlp):
    (claim,), _ = claims_of(nlp, "“We have had better harvests than this one,” farmer Ana Ruiz, wearing a straw hat "
                                 "and muddy boots, said quietly as the rain began.")
    assert claim.cue.text == "said" and claim.source.text.startswith("farmer Ana Ruiz")
    assert claim.source.kind == "named" and claim.stance == "assert"


def test_pronoun_speaker_of_a_relative_clause_is_its_own_attribution(nlp):
    claims, _ = claims_of(nlp, "Okafor praised the new ferry, which he said would halve the crossing time.")
    said = [c for c in claims if c.cue is not None and c.cue.text == "said"]
    assert len(said) == 1 and said[0].source.text == "he" and said[0].stance == "assert"
    assert "halve the crossing time" in said[0].text
    assert any(c.cue is not None and c.cue.text == "praised" and c.source.text == "Okafor" for c in claims)


@pytest.mark.parametrize("text, cue, source", [
    ("The mayor denounced the closure of the clinic.", "denounced", "The mayor"),
    ("Union leaders decried the new rules as unfair to seasonal workers.", "decried", "Union leaders"),
])
def test_verbs_of_criticism_attribute(nlp, text, cue, source):
    (claim,), _ = claims_of(nlp, text)
    assert claim.cue.text == cue and claim.source.text == source and claim.stance == "assert"


def test_statistics_are_a_source_of_what_they_show(nlp):
    (claim,), _ = claims_of(nlp, "Official statistics show that unemployment rose in the northern provinces.")
    assert claim.source.kind != "outlet" and claim.source.text == "Official statistics"
    assert claim.cue.text == "show" and claim.stance == "assert"


def test_a_title_heads_a_speaker_of_an_inference_verb(nlp):
    (claim,), _ = claims_of(nlp, "Her campaign manager, Tom Reed, suggested that the rally be moved indoors.")
    assert claim.source.kind == "named" and claim.source.text == "Her campaign manager, Tom Reed"
    assert claim.cue.text == "suggested" and claim.stance == "hedge"
