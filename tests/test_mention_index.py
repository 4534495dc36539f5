"""The quote stage's mention index answers exactly as the shared MentionIndex does."""
import random

from storylens.annotate.mentions import MentionIndex
from storylens.annotate.quote_speaker import EntityIndex
from storylens.model import Entity, Mention


def _entities(rng: random.Random) -> list[Entity]:
    out = []
    for n in range(12):
        ms = []
        for _ in range(rng.randint(1, 5)):
            s = rng.randint(0, 400)
            ms.append(Mention("a", s, s + rng.randint(1, 30), "x"))
        out.append(Entity(f"a:E{n}", f"Name {n}", rng.choice(["PERSON", "ORG", "GPE"]), ms))
    return out


def test_windowed_lookups_agree_with_the_shared_index():
    rng = random.Random(7)
    for _ in range(20):
        ents = _entities(rng)
        fast, shared = EntityIndex(ents), MentionIndex(ents)
        assert fast.items == shared.items
        for _ in range(50):
            a = rng.randint(0, 450)
            b = a + rng.randint(0, 40)
            assert fast.covering(a, b) == shared.covering(a, b)
            for types in (None, ("PERSON",), ("ORG", "GPE")):
                assert list(fast.preceding(a, types)) == list(shared.preceding(a, types))


def test_named_finds_the_nearest_earlier_bearer_of_a_surname():
    ents = [Entity("a:E1", "Lena Vasko", "PERSON", [Mention("a", 0, 10, "Lena Vasko")]),
            Entity("a:E2", "Ivan Vasko", "PERSON", [Mention("a", 50, 60, "Ivan Vasko")])]
    idx = EntityIndex(ents)
    assert idx.named("Vasko", before=40).id == "a:E1"
    assert idx.named("Vasko", before=70).id == "a:E2"
    assert idx.named("Vasko").id == "a:E1"
    assert idx.named("Reiss") is None
