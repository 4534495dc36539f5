import numpy as np

from storylens.embeddings import embed, get_encoder


def test_shapes_norms_and_order():
    texts = ["The president refused to meet the prime minister.",
             "The prime minister was turned down by the president for a meeting.",
             "A striker scored twice as the club won the league title."]
    v = embed(texts, batch_size=2)
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    sims = v @ v.T
    # paraphrases are closer to each other than to an unrelated sentence
    assert sims[0, 1] > sims[0, 2] + 0.2
    # rows follow input order, and the same text gives the same vector whatever the batch
    again = embed([texts[2], texts[0]], batch_size=64)
    assert np.allclose(again[0], v[2], atol=1e-5) and np.allclose(again[1], v[0], atol=1e-5)


def test_empty_and_long_inputs():
    assert embed([]).shape == (0, 384)
    long = " ".join(["negotiations"] * 2000)
    v = embed([long, ""])
    assert v.shape == (2, 384) and np.isfinite(v).all()


def test_encoder_is_cached():
    assert get_encoder() is get_encoder()


def test_length_batches_bound_padding_and_size():
    from storylens.embeddings import _length_batches

    lengths = [5, 120, 7, 6, 118, 30, 5, 31, 250, 8]
    batches = _length_batches(lengths, batch_size=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 3
        ls = [lengths[i] for i in b]
        assert len(ls) * max(ls) <= 1.15 * sum(ls) or len(b) == 1
    assert _length_batches([], 64) == []


def test_length_batches_bound_padded_tokens_per_call():
    from storylens.embeddings import _length_batches

    lengths = [256] * 40 + [30] * 100
    batches = _length_batches(lengths, batch_size=64, max_batch_tokens=4096)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) * max(lengths[i] for i in b) <= 4096
    # short sentences still fill whole batches
    assert max(len(b) for b in batches) == 64


def test_a_vector_does_not_depend_on_the_texts_encoded_with_it():
    texts = ["Talks resumed.", "The minister of foreign affairs said on Tuesday that the talks in Geneva "
             "would resume next week after a pause of several months, officials confirmed.", "Troops withdrew."]
    enc = get_encoder()
    together = enc._encode_batch(texts)
    alone = np.vstack([enc._run(enc.tokenizer.encode_batch([t])) for t in texts])
    padded = enc._run(enc.tokenizer.encode_batch(texts))      # one batch padded to the longest
    assert together.shape == padded.shape == (3, alone.shape[1])
    assert np.allclose(together, alone, atol=1e-5) and np.allclose(padded, alone, atol=1e-5)
