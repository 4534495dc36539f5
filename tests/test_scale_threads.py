"""Worker processes size their native thread pools to their share of the cores, and the sentence
encoder's idle threads sleep instead of spinning."""
import json
import os
import subprocess
import sys
from pathlib import Path

from storylens.scale.worker import cores_per_worker, thread_env

SRC = str(Path(__file__).resolve().parents[1] / "src")


def test_thread_env_one_thread_turns_every_pool_to_one():
    env = thread_env(1)
    assert env["OPENBLAS_NUM_THREADS"] == env["OMP_NUM_THREADS"] == env["STORYLENS_EMBED_THREADS"] == "1"
    assert env["TOKENIZERS_PARALLELISM"] == "false"
    env4 = thread_env(4)
    assert env4["OMP_NUM_THREADS"] == env4["STORYLENS_EMBED_THREADS"] == "4"
    assert "TOKENIZERS_PARALLELISM" not in env4


def test_cores_per_worker_never_below_one():
    assert cores_per_worker(10 * (os.cpu_count() or 1)) == 1
    assert cores_per_worker(1) == (os.cpu_count() or 1)


def _child(code: str, **env) -> dict:
    clean = {k: v for k, v in os.environ.items()
             if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                          "TOKENIZERS_PARALLELISM", "STORYLENS_EMBED_THREADS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**clean, "PYTHONPATH": SRC, **env})
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_limit_threads_applies_to_loaded_blas_and_keeps_user_settings():
    code = ("import json, numpy, threadpoolctl\n"
            "from storylens.scale.worker import limit_threads\n"
            "limit_threads(1)\n"
            "import os\n"
            "print(json.dumps({'pools': [p['num_threads'] for p in threadpoolctl.threadpool_info()],"
            " 'embed': os.environ['STORYLENS_EMBED_THREADS']}))")
    got = _child(code)
    assert got["pools"] and all(n == 1 for n in got["pools"])
    assert got["embed"] == "1"
    assert _child(code, STORYLENS_EMBED_THREADS="3")["embed"] == "3"


def test_encoder_threads_do_not_spin():
    from storylens.embeddings import get_encoder

    opts = get_encoder().session.get_session_options()
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
