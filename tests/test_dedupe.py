"""Near-duplicate detection (MinHash LSH over word shingles)."""
from storylens.clean.dedupe import Deduper, shingles

BASE = ("The port authority of Velden said on Monday that the container terminal would close for three days "
        "after a crane collapsed during a storm on Sunday night. No one was injured, a spokesman said, but two "
        "ships waiting to unload were diverted to the neighbouring port of Aske. Dock workers' unions called for "
        "an inquiry into the maintenance of the cranes, which were installed more than thirty years ago. The "
        "authority said engineers would inspect the remaining cranes before the terminal reopens on Thursday, "
        "and that it expected losses of about two million crowns from the closure.")
EDITED = (BASE.replace("on Monday", "on Monday morning").replace("a spokesman said", "its spokesman said")
          .replace("two million", "2 million"))
OTHER = ("The city council of Brenford approved a new cycling lane along the river on Tuesday, after two years "
         "of debate. Councillors voted eleven to four in favour. Shop owners on the embankment had opposed the "
         "plan, saying it would remove parking spaces, but the mayor said the lane would bring more customers "
         "than it would cost. Construction is due to start in the spring and take about six months.")


def test_lightly_edited_copy_is_a_duplicate():
    d = Deduper(0.8)
    d.add("a1", BASE)
    assert d.check(EDITED) == "a1"
    assert d.check(BASE) == "a1"


def test_different_story_is_not_a_duplicate():
    d = Deduper(0.8)
    d.add("a1", BASE)
    assert d.check(OTHER) is None
    # same topic, largely rewritten: not a near-duplicate either
    rewrite = ("Velden's container terminal is shut until Thursday. A storm on Sunday brought down a crane; "
               "nobody was hurt. Two vessels went to Aske instead, and unions want to know why thirty-year-old "
               "cranes were still in service.")
    assert d.check(rewrite) is None


def test_best_match_among_several_and_idempotent_add():
    d = Deduper(0.8)
    d.add("b", OTHER)
    d.add("a", BASE)
    d.add("a", BASE)  # adding twice changes nothing
    assert d.check(EDITED) == "a"


def test_shingles_short_text():
    assert shingles("one two") == {"one two"}
    assert shingles("") == set()
    assert len(shingles("a b c d e f")) == 4  # word 3-grams


def test_shorter_copy_contained_in_a_longer_one_is_a_duplicate():
    d = Deduper(0.8)
    d.add("long", BASE + " " + OTHER)
    assert d.check(BASE) == "long"  # the same story with a paragraph cut


def test_one_sentence_items_are_never_near_duplicates():
    """Wire alerts and event-data records: two sentences that differ by a day report two events."""
    d = Deduper(0.8)
    first = ("U.S. Secretary of State Warren Christopher telephoned Russian Foreign Minister Andrei Kozyrev on "
             "Tuesday to discuss efforts to forge a peace settlement, Itar-Tass news agency said.")
    d.add("s1", first)
    assert d.check(first.replace("Tuesday", "Friday")) is None
    # nor is a full article the copy of a sentence it quotes
    assert d.check(first + " " + BASE) is None
