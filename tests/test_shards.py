"""The ordered fan-out shared by the process pool and the Dask runner."""
from storylens.model import Article, Document
from storylens.scale.shards import ordered_shards


class Done:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value

    def cancel(self):
        pass


def _run(n, shard_size, window, workers):
    sizes = []

    def submit(shard):
        sizes.append(len(shard))
        return Done([Document(article=a) for a in shard])

    arts = [Article(id=f"a{i}", source_path="t", text=f"text {i}", raw=f"raw {i}") for i in range(n)]
    docs = list(ordered_shards(arts, submit, shard_size, window, workers=workers))
    return sizes, docs


def test_one_worker_keeps_plain_shards():
    sizes, docs = _run(240, 32, 2, 1)
    assert sizes == [32] * 7 + [16]
    assert [d.article.id for d in docs] == [f"a{i}" for i in range(240)]


def test_end_of_stream_cut_into_small_pieces_per_worker():
    sizes, docs = _run(240, 32, 4, 2)
    assert sum(sizes) == 240 and max(sizes) == 32
    # 240 = 6 full shards + 48 held: the last 48 go out as 4 pieces of 12, not as 32 + 16
    assert sizes[-4:] == [12, 12, 12, 12] and sizes[:6] == [32] * 6
    assert [d.article.id for d in docs] == [f"a{i}" for i in range(240)]
    # the raw text stays on the client and is put back
    assert docs[-1].article.raw == "raw 239"


def test_short_stream_still_split_across_workers():
    sizes, docs = _run(10, 32, 4, 2)
    assert sizes == [3, 3, 3, 1] and len(docs) == 10
