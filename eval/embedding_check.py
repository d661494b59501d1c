"""Do the onnx backends give torch's vectors? Cosine on every chunk of the corpus.

`python -m eval.embedding_check [PATH ...] [--backend onnx --backend onnx-int8]` parses the
reports (default: the corpus), embeds every chunk with the torch backend and with each backend
named, and prints min / 1st percentile / median cosine with torch and the time each took. Exit
status 1 when a backend's minimum is below the threshold (0.99): such a backend must not be the
default (ingest.config.DEFAULT_EMBEDDING_BACKEND).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import numpy.typing as npt

from ingest.config import EMBEDDING_BACKENDS, IngestSettings
from ingest.embedding import Embedder
from ingest.pipeline import build_report, expand_paths

CORPUS = Path(__file__).resolve().parent / "corpus" / "reports"
MIN_COSINE = 0.99


def corpus_texts(paths: list[Path], settings: IngestSettings) -> list[str]:
    """The embedding text of every chunk of every report under `paths`, in order."""
    texts: list[str] = []
    for path in expand_paths(paths):
        _, chunks = build_report(path, path.read_bytes(), settings)
        texts += [chunk.embedding_text for chunk in chunks]
    return texts


def embed_timed(
    settings: IngestSettings, backend: str, texts: list[str]
) -> tuple[npt.NDArray[np.float32], float]:
    """Vectors from a fresh embedder of `backend` (no cache), and the seconds they took."""
    embedder = Embedder(
        settings.embedding_model, settings.models_dir, settings.embedding_batch_size,
        backend=backend,
    )  # fmt: skip
    embedder.embed_passages(["预热"])  # first-call setup is not embedding time
    started = time.perf_counter()
    vectors = embedder.embed_passages(texts)
    return vectors, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[CORPUS])
    parser.add_argument("--backend", action="append", choices=EMBEDDING_BACKENDS[1:])
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = IngestSettings.from_env()
    texts = corpus_texts(args.paths, settings)
    reference, torch_seconds = embed_timed(settings, "torch", texts)
    seconds = torch_seconds
    print(f"{len(texts)} chunks; torch: {seconds:.1f} s ({len(texts) / seconds:.1f} chunks/s)")
    failed = False
    for backend in args.backend or list(EMBEDDING_BACKENDS[1:]):
        vectors, seconds = embed_timed(settings, backend, texts)
        cosine = np.sum(vectors * reference, axis=1)
        worst = int(np.argmin(cosine))
        ok = float(cosine.min()) >= MIN_COSINE
        failed |= not ok
        print(
            f"{backend}: cosine min {cosine.min():.4f} p1 {np.percentile(cosine, 1):.4f} "
            f"median {np.median(cosine):.4f}; {seconds:.1f} s ({len(texts) / seconds:.1f} "
            f"chunks/s, {torch_seconds / seconds:.2f}x torch) "
            f"{'ok' if ok else 'BELOW ' + str(MIN_COSINE)}; worst chunk: {texts[worst][:60]!r}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
