"""Boilerplate removal and metadata on scraped text written for these tests."""
from storylens.clean import clean_item
from storylens.clean.boilerplate import clean_text
from storylens.model import RawItem

P1 = ("The water board of Lessing County voted on Thursday to suspend deliveries to the Marrow Valley "
      "farms, escalating a dispute with the valley's irrigation cooperative that has run for two years.")
P2 = ("Board chair Helga Sund said the cooperative owed more than nine million crowns in unpaid water fees. "
      "\"We cannot keep supplying a customer who refuses to pay,\" Sund told reporters after the vote.")
P3 = ("The cooperative's president, Oskar Brandt, said that the board had broken a written promise to keep "
      "the canals open during the harvest, and that farmers would take the water board to court.")
P4 = ("Farmers in the valley say the suspension could ruin this year's harvest of barley and sugar beet. "
      "The county's agriculture office estimated that two thousand jobs depend on the valley farms.")
P5 = ("Mediation between the water board and the cooperative collapsed last month when Brandt walked out "
      "of talks, accusing Sund of moving the deadline for the unpaid fees without notice.")
HEAD = "What the farmers want"

SCRAPED = f"""Water board cuts off Marrow Valley farms

4 min read
1,302 views
Mar 14, 2024

The water board has cut off the valley farms. Read on to find out what happens next.

Market commentary from 14/03/2024. Prices may have changed since publication.

{P1}

A dry irrigation canal near the village of Osk, in Marrow Valley, on March 10, 2024.
Lena Fisch/Valley Post

{P2} Here is the link to our article on Valley Drought Relief.

{HEAD}

{P3}

{P4}

{P5}

Author

Maren Tolle covers farming and rural politics for the Valley Post. Contact her for tips.

Related Articles
"""


def find(removed, reason):
    return [r for r in removed if r.reason == reason]


def test_every_kind_of_boilerplate_removed_and_every_story_paragraph_kept():
    a = clean_item(RawItem(source_path="x.txt", kind="text", text=SCRAPED))
    for para in (P1, P2, P3, P4, P5, HEAD):
        assert para in a.text
    reasons = {r.reason for r in a.removed}
    assert {"title (metadata)", "read-time/view counter", "date line (metadata)", "teaser", "disclaimer",
            "photo caption", "photo credit", "promo for another article", "author bio", "page widget"} <= reasons
    for junk in ("min read", "views", "Read on", "may have changed", "dry irrigation canal", "Lena Fisch",
                 "link to our article", "Maren Tolle covers", "Related Articles", "Author"):
        assert junk not in a.text, junk
    assert a.title == "Water board cuts off Marrow Valley farms"
    assert a.published == "2024-03-14"
    assert a.author == "Maren Tolle"
    assert a.outlet == "Valley Post"
    assert a.raw == SCRAPED


def test_removed_spans_point_into_raw_and_do_not_overlap():
    a = clean_item(RawItem(source_path="x.txt", kind="text", text=SCRAPED))
    last = -1
    for r in a.removed:
        assert SCRAPED[r.start:r.end] == r.text
        assert r.start >= last
        last = r.end
    promo = find(a.removed, "promo for another article")
    assert len(promo) == 1 and promo[0].text == "Here is the link to our article on Valley Drought Relief."


def test_trailing_block_of_other_stories_after_a_section_heading():
    other = [
        "Shoppers queue outside a department store in the capital on the first day of the winter sales.",
        "Retailers report record footfall as the winter sales begin, and economists expect consumer spending to rise.",
        "The national orchestra announced a new principal conductor on Friday, ending a search that took three seasons.",
        "A new study of sleeping habits suggests that teenagers need more rest than schools currently allow them.",
    ]
    raw = "\n\n".join([P1, P2, P3, P4, "More from Valley Post", *other]) + "\n"
    a = clean_item(RawItem(source_path="x.txt", kind="text", text=raw))
    assert all(p in a.text for p in (P1, P2, P3, P4))
    assert not any(o[:30] in a.text for o in other)
    trailing = find(a.removed, "other stories (trailing block)")
    assert len(trailing) == 1 and trailing[0].text.startswith("More from Valley Post")
    assert trailing[0].text.rstrip().endswith(other[-1])
    assert a.outlet == "Valley Post"


def test_section_heading_followed_by_the_same_story_is_not_cut():
    raw = "\n\n".join([P1, P2, "More on the dispute", P3, P4, P5])
    a = clean_text(raw)
    assert all(p in a.text for p in (P3, P4, P5))


def test_unrelated_trailing_blocks_without_any_cue():
    other = [
        "A record number of tourists visited the coastal resort of Pellin this summer, the tourism office says, "
        "with hotel bookings up by a fifth on the previous season.",
        "The film festival in Dornbach handed its top prize to a documentary about lighthouse keepers, "
        "the first time a documentary has won the award in its forty year history.",
    ]
    raw = "\n\n".join([P1, P2, P3, P4, P5, *other])
    a = clean_text(raw)
    assert all(p in a.text for p in (P1, P2, P3, P4, P5))
    assert not any(o[:30] in a.text for o in other)
    assert find(a.removed, "unrelated to the story (trailing block)")


def test_epigraph_removed_but_block_quote_from_the_story_kept():
    quote = "We cannot keep supplying a customer who refuses to pay for the water it uses every season."
    raw = "\n\n".join([
        "Fortune favours the brave, and luck is the residue of design.", "— Aurelio Vance",
        P1, P2, quote, "– Helga Sund, chair of the water board", P3, P4, P5])
    a = clean_text(raw)
    assert [r.reason for r in a.removed[:1]] == ["epigraph"]
    assert "Fortune favours" not in a.text and "Aurelio Vance" not in a.text
    assert quote in a.text and "– Helga Sund, chair of the water board" in a.text


def test_teaser_repeating_the_lede_and_repeated_paragraphs_removed_once():
    teaser = P1[:90].rsplit(" ", 1)[0] + "…"
    raw = "\n\n".join(["Valley farms cut off", teaser, P1, P2, P3, P2, P4])
    a = clean_text(raw)
    assert a.text.count(P2) == 1 and a.text.count(P1) == 1
    reasons = [r.reason for r in a.removed]
    assert "teaser repeating the lede" in reasons and "repeated paragraph" in reasons
    rep = find(a.removed, "repeated paragraph")[0]
    assert rep.start > raw.index(P3)  # the later copy goes, the first stays in place


def test_bylines_at_top_and_bottom():
    a = clean_text("\n\n".join(["By Petra Holm, agriculture correspondent", P1, P2, P3]))
    assert a.author == "Petra Holm" and P1 in a.text and "Petra Holm" not in a.text
    b = clean_text("\n".join([P1, P2, P3, "Jonas Aberg"]))
    assert b.author == "Jonas Aberg" and "Jonas Aberg" not in b.text


def test_ambiguous_numeric_date_only():
    a = clean_text("\n\n".join(["Analysis from 05/04/2024. Prices may have changed since publication.", P1, P2]))
    assert a.published == "2024-05-04"  # read month-first without a named date to agree with
    b = clean_text("\n\n".join(["April 5, 2024", "Analysis from 05/04/2024. Prices may have changed since publication.",
                                P1, P2]))
    assert b.published == "2024-04-05"


def test_headings_and_lists_and_single_newline_paragraphs_kept():
    items = ["• Unpaid fees: nine million crowns", "• Canals: closed since Thursday", "• Court date: not yet set"]
    raw = "\n".join([P1, "Why are the farms cut off?", P2, *items, "Final Word", P3])
    a = clean_text(raw)
    for part in (P1, "Why are the farms cut off?", P2, *items, "Final Word", P3):
        assert part in a.text
    assert a.removed == []


def test_html_item_title_line_dropped_and_reader_metadata_wins():
    item = RawItem(source_path="p.html", kind="html", text=f"Farms cut off\n{P1}\n{P2}", title="Farms cut off",
                   author="Reader Author", published="2024-03-15", outlet="Meta Outlet", url="https://x.example/a")
    a = clean_item(item)
    assert a.text.startswith(P1)
    assert (a.title, a.author, a.published, a.outlet, a.url) == (
        "Farms cut off", "Reader Author", "2024-03-15", "Meta Outlet", "https://x.example/a")
    assert [r.reason for r in a.removed] == ["title (metadata)"]


def test_first_line_different_from_metadata_title_is_kept():
    a = clean_text(f"A short line that is not the title\n{P1}\n{P2}", title="Something else entirely")
    assert a.text.startswith("A short line that is not the title")


def test_empty_and_deterministic():
    assert clean_item(RawItem(source_path="e.txt", kind="text", text="")).text == ""
    one = clean_item(RawItem(source_path="x.txt", kind="text", text=SCRAPED))
    two = clean_item(RawItem(source_path="x.txt", kind="text", text=SCRAPED))
    assert one == two and one.id == one.content_hash[:12]


def test_strong_section_heading_drops_same_topic_teasers_too():
    teasers = [
        "Water board raises fees for city households as reservoir levels fall to a ten year low this spring.",
        "Marrow Valley cooperative elects new board after a bitter vote over the unpaid water fees dispute.",
    ]
    raw = "\n\n".join([P1, P2, P3, P4, P5, "Related Stories", *teasers])
    a = clean_text(raw)
    assert all(p in a.text for p in (P1, P2, P3, P4, P5))
    assert not any(t[:30] in a.text for t in teasers)


def test_closing_heading_is_not_taken_for_a_byline():
    remarks = "In her closing remarks, Sund said the board would meet the farmers again next week."
    a = clean_text("\n\n".join([P1, P2, P3, remarks, "Closing Remarks"]))
    assert a.author is None and a.text.endswith("Closing Remarks")
    b = clean_text("\n\n".join([P1, P2, P3, remarks, "Ilse Marten"]))
    assert b.author == "Ilse Marten" and b.text.endswith(remarks)


STRIKE = """Harbour strike enters second week

By Mara Ellison
Published: 12 February 2025 | 14:32 GMT

Share this article

Dock workers in the port of Calvera extended their strike into a second week on Monday, leaving more than forty ships waiting offshore as talks with the port operator stalled again.

ADVERTISEMENT

The union's leader, Teodor Vanek, said that members would not return until the operator withdrew plans to automate two of the port's four terminals. "They want to replace us with cranes that nobody can talk to," Vanek told a rally outside the port gates.

Photo: Striking dock workers gather at the gates of Calvera port. (Ines Marlow / Coast Photo Agency)

The operator, Calvera Terminals, said in a statement that automation was needed to compete with neighbouring ports and that no jobs would be cut before 2027. Its chief executive, Jana Orsic, said that she had offered the union a guarantee in writing.

Read more: Calvera port operator posts record profits

The transport ministry has offered to mediate. A spokesman said that the minister would meet both sides on Thursday if the strike was still going on.

Sign up for our daily briefing to get the top stories in your inbox.

Shipping companies have begun diverting cargo to the port of Ostrava, about 200 kilometres to the north, where unions have warned they may strike in sympathy.

Tags: strikes, ports, Calvera

You might also like

Ten things to do in Calvera this weekend
The best seafood restaurants on the coast
Why rents are rising in the old town
"""


def test_second_layout_widgets_inline_caption_and_list_of_other_stories():
    a = clean_item(RawItem(source_path="s.txt", kind="text", text=STRIKE))
    assert (a.title, a.author, a.published) == ("Harbour strike enters second week", "Mara Ellison", "2025-02-12")
    story = [ln for ln in STRIKE.split("\n\n")[2:] if len(ln.split()) > 25 and not ln.startswith(("Photo", "Sign up"))]
    assert len(story) == 5 and all(p in a.text for p in story)
    for junk in ("Share this", "ADVERTISEMENT", "Photo:", "Read more", "Sign up", "Tags:", "You might also like",
                 "seafood"):
        assert junk not in a.text, junk
    reasons = {r.reason for r in a.removed}
    assert {"byline (metadata)", "date line (metadata)", "page widget", "photo caption", "promo for another article",
            "other stories (trailing block)"} <= reasons


# ---- one-sentence items and short titles: the text is the article -----------------------------

WIRE = ("U.N. envoy Esther Holm telephoned Foreign Minister Christopher Lund of Vastria on Tuesday to discuss efforts to "
        "reopen the border crossing at Tarn, the state news agency said.")


def test_one_wire_sentence_is_an_article():
    c = clean_text(WIRE)
    assert c.text == WIRE and c.removed == []


def test_one_line_without_final_stop_is_not_taken_for_a_title():
    line = "Vastria reopens the Tarn border crossing after talks"
    assert clean_text(line).text == line
    assert clean_text(line, title=line).text == line  # title field equal to the only text


def test_one_sentence_jsonl_like_item_keeps_its_text():
    art = clean_item(RawItem(source_path="w.jsonl", kind="jsonl", text=WIRE, record="line 3"))
    assert art.text == WIRE


def test_short_title_does_not_delete_the_lead():
    lead = "Holm met the Vastrian foreign minister on Friday in Tarn, officials said, and talks went on for hours."
    body = "Both sides said a second round of talks would follow next month in the capital."
    c = clean_text(f"{lead}\n\n{body}", title="Holm")
    assert c.text.startswith(lead) and body in c.text
    one = clean_text(lead, title="Holm")
    assert one.text == lead


def test_title_with_site_name_is_still_removed():
    lead = "Holm met the Vastrian foreign minister on Friday in Tarn, officials said, and talks went on for hours."
    c = clean_text(f"Border talks resume in Tarn\n\n{lead}", title="Border talks resume in Tarn | Vastria Daily")
    assert c.text == lead and c.removed[0].reason == "title (metadata)"


def test_layout_title_needs_a_body_after_it():
    c = clean_text(f"Border talks resume in Tarn\n\n{WIRE}")
    assert c.title == "Border talks resume in Tarn" and c.text == WIRE


def test_cleaner_never_leaves_a_story_empty():
    # Every rule fires on something here, yet the item is a short notice that must survive.
    text = "By Karin Holm\n\nKarin Holm is a correspondent for the Vastria Daily covering border affairs."
    assert clean_text(text).text.strip()


def test_article_language_is_detected():
    from storylens.clean.language import detect_language

    de = RawItem(source_path="de.txt", kind="text",
                 text="Die Regierung hat am Dienstag beschlossen, die Grenze zum Nachbarland wieder zu öffnen. "
                      "Der Minister sagte, die Gespräche würden nächste Woche fortgesetzt.")
    assert clean_item(de).language == "de"
    assert clean_item(RawItem(source_path="en.txt", kind="text", text=P1)).language == "en"
    # a short English wire sentence is not taken for an English-based creole or a regional variety
    assert detect_language("Congo government rejects demands from rebel group.") == "en"
    assert detect_language("12 34") is None


def test_extractor_output_loses_only_layout_boilerplate():
    """On a main-text extractor's output the content-judging rules stay off: a closing paragraph the
    body does not echo is kept, while the repeated title and a read-time counter still go."""
    others = ["A record number of tourists visited the coastal resort of Pellin this summer, the tourism office "
              "says, with hotel bookings up by a fifth on the previous season.",
              "The film festival in Dornbach handed its top prize to a documentary about lighthouse keepers, "
              "the first time a documentary has won the award in its forty year history."]
    other = others[0]
    text = "\n\n".join(["Farms cut off", "4 min read", P1, P2, P3, P4, P5, *others])
    item = RawItem(source_path="p.html", kind="html", text=text, title="Farms cut off", extractor="trafilatura")
    a = clean_item(item)
    assert a.text.startswith(P1) and other in a.text
    assert [r.reason for r in a.removed] == ["title (metadata)", "read-time/view counter"]
    plain = clean_item(RawItem(source_path="p.txt", kind="text", text=text))
    assert other not in plain.text  # scraped text without an extractor gets every rule


def test_title_copied_from_the_lead_sentence_keeps_the_lead():
    lead = "Holm met the Vastrian foreign minister on Friday in Tarn, officials said, and talks went on for hours."
    body = "Both sides said a second round of talks would follow next month in the capital."
    c = clean_text(f"{lead}\n\n{body}", title=lead)
    assert c.text.startswith(lead)
