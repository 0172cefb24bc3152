"""swiftbpe.train and Vocabulary: the same merges and ids as the bpe command and tiktoken,
whatever the input form (iterator, text, gzip, zstd, JSON Lines, Parquet)."""
import gzip
import json
import os

import pytest
import tiktoken
import tiktoken.load

import swiftbpe
from conftest import generated_documents, read_tiktoken, run_bpe, sample_documents, zstd_compress

SPECIAL = "<|endoftext|>"
TEXTS = [
    "Hello, world! Don't panic: it's 42.\n",
    "def f(x):\n    return x ** 2  # square\n\n\tindented\r\nwindows line\r\n",
    "Le cœur a ses raisons. Это пример. 猫はマットの上に座った。 안녕하세요 مرحبا بالعالم",
    "emoji 🎉👍🏽 and ZWJ 👨‍👩‍👧 and   spaces   \n\n\n  end",
    f"one{SPECIAL}two {SPECIAL}\nthree",
]


@pytest.fixture(scope="module")
def documents():
    return generated_documents(seed=1, count=400) + sample_documents()


def test_iterator_flow_equals_bpe_train_and_encode(tmp_path, bpe, documents):
    """nanochat's flow: train from an iterator, hand the ranks to tiktoken, encode; the same
    merges and ids as `bpe train` / `bpe encode` on the same text."""
    vocabulary = swiftbpe.train(iterator=iter(documents), vocab_size=1500, special_tokens=[SPECIAL])
    corpus = tmp_path / "corpus.txt"
    corpus.write_bytes(SPECIAL.join(documents).encode())
    run_bpe(bpe, "train", "--input", str(corpus), "--vocab-size", "1500", "--special-token", SPECIAL,
            "--output", str(tmp_path / "cli"), "--quiet")
    assert vocabulary.mergeable_ranks == read_tiktoken(tmp_path / "cli.tiktoken")
    assert len(vocabulary.merges) == 1500 - 256 - 1
    assert vocabulary.special_tokens == {SPECIAL: 1499}

    encoding = tiktoken.Encoding(name="mine", pat_str=vocabulary.pattern, mergeable_ranks=vocabulary.mergeable_ranks,
                                 special_tokens=vocabulary.special_tokens)
    sample = tmp_path / "sample.txt"
    sample.write_bytes("".join(TEXTS).encode())
    completed = run_bpe(bpe, "encode", "--vocab", str(tmp_path / "cli.model"), "--input", str(sample),
                        "--allow-special", "all", "--quiet")
    cli_ids = [int(x) for x in completed.stdout.split()]
    text = "".join(TEXTS)
    assert encoding.encode(text, allowed_special="all") == cli_ids
    assert vocabulary.encode(text, allowed_special="all") == cli_ids
    assert vocabulary.encoding().encode(text, allowed_special="all") == cli_ids


@pytest.mark.parametrize("batch_documents", [1, 7, 8192])
def test_batches_threads_and_files_give_the_same_merges(tmp_path, documents, batch_documents):
    reference = swiftbpe.train(iterator=documents, vocab_size=900, special_tokens=[SPECIAL], threads=1)
    again = swiftbpe.train(iterator=iter(documents), vocab_size=900, special_tokens=[SPECIAL], threads=2,
                           batch_documents=batch_documents)
    assert again.merges == reference.merges
    path = tmp_path / "corpus.txt"
    path.write_bytes(SPECIAL.join(documents).encode())
    from_file = swiftbpe.train(files=[str(path)], vocab_size=900, special_tokens=[SPECIAL])
    assert from_file.merges == reference.merges


def test_every_input_form_gives_the_merges_of_the_plain_text(tmp_path, documents):
    pyarrow = pytest.importorskip("pyarrow")
    import pyarrow.parquet as parquet
    text = SPECIAL.join(documents).encode()
    plain = tmp_path / "corpus.txt"
    plain.write_bytes(text)
    expected = swiftbpe.train(files=str(plain), vocab_size=800, special_tokens=[SPECIAL]).merges
    lines = b"".join(json.dumps({"id": i, "body": d}).encode() + b"\n" for i, d in enumerate(documents))
    inputs = {
        "corpus.txt.gz": gzip.compress(text),
        "corpus.txt.zst": zstd_compress(text),
        "docs.jsonl": lines,
        "docs.jsonl.gz": gzip.compress(lines),
        "docs.jsonl.zst": zstd_compress(lines),
    }
    for name, data in inputs.items():
        (tmp_path / name).write_bytes(data)
        got = swiftbpe.train(files=[str(tmp_path / name)], vocab_size=800, special_tokens=[SPECIAL], text_field="body")
        assert got.merges == expected, name
    table = pyarrow.table({"id": list(range(len(documents))), "body": documents})
    parquet.write_table(table, tmp_path / "docs.parquet", row_group_size=37)
    got = swiftbpe.train(files=[str(tmp_path / "docs.parquet")], vocab_size=800, special_tokens=[SPECIAL],
                         text_field="body")
    assert got.merges == expected
    # Files and an iterator together: their documents add up.
    half = len(documents) // 2
    (tmp_path / "first.txt").write_bytes(SPECIAL.join(documents[:half]).encode())
    mixed = swiftbpe.train(files=[str(tmp_path / "first.txt")], iterator=documents[half:], vocab_size=800,
                           special_tokens=[SPECIAL])
    assert mixed.merges == expected


def test_bad_inputs_raise_clear_exceptions(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"good text\n\xff\xfe more")
    with pytest.raises(swiftbpe.InputError, match=r"invalid UTF-8 in '.*bad.txt' at byte offset 10"):
        swiftbpe.train(files=[str(bad)], vocab_size=300)
    replaced = swiftbpe.train(files=[str(bad)], vocab_size=300, invalid_utf8="replace", min_frequency=1)
    assert replaced.merges

    missing = tmp_path / "missing.jsonl"
    missing.write_bytes(b'{"text": "a"}\n{"txt": "b"}\n')
    with pytest.raises(swiftbpe.InputError, match=r"missing.jsonl' line 2 \(byte offset 14\): the object has no field 'text'"):
        swiftbpe.train(files=[str(missing)], vocab_size=300)

    corrupt = bytearray(zstd_compress(("some text " * 5000).encode()))
    corrupt = bytes(corrupt[: len(corrupt) // 2])
    (tmp_path / "cut.zst").write_bytes(corrupt)
    with pytest.raises(swiftbpe.InputError, match=r"cut.zst'.*zstd frame at compressed byte offset \d+; is the file truncated"):
        swiftbpe.train(files=[str(tmp_path / "cut.zst")], vocab_size=300)

    with pytest.raises(swiftbpe.InputError, match="No such file"):
        swiftbpe.train(files=[str(tmp_path / "nope.txt")], vocab_size=300)
    with pytest.raises(ValueError, match="too small"):
        swiftbpe.train(iterator=["x"], vocab_size=10)
    with pytest.raises(TypeError, match="documents must be str"):
        swiftbpe.train(iterator=[b"bytes"], vocab_size=300)
    with pytest.raises(ValueError, match="out of range"):
        swiftbpe.train(iterator=["x"], vocab_size=2**64 + 300)
    with pytest.raises(ValueError, match="tie_break"):
        swiftbpe.train(iterator=["x"], vocab_size=300, tie_break="random")


def test_vocabulary_saves_loads_and_encodes_like_tiktoken(tmp_path, documents):
    vocabulary = swiftbpe.train(iterator=documents, vocab_size=1000, special_tokens=[SPECIAL, "<|pad|>"],
                                pattern="o200k")
    prefix = tmp_path / "tok"
    vocabulary.save(str(prefix))
    for suffix in (".tiktoken", ".model", ".vocab", ".tokenizer.json", ".train.json"):
        assert (tmp_path / f"tok{suffix}").exists(), suffix
    encoding = vocabulary.encoding()
    text = "".join(TEXTS)
    for path in ("tok.tiktoken", "tok.model", "tok.tokenizer.json"):
        loaded = swiftbpe.load(str(tmp_path / path))
        assert loaded.mergeable_ranks == vocabulary.mergeable_ranks, path
        assert loaded.special_tokens == vocabulary.special_tokens, path
        assert loaded.merges == vocabulary.merges, path
        assert loaded.encode(text, allowed_special="all") == encoding.encode(text, allowed_special="all"), path
    # A loaded vocabulary saves the same files again (merges recovered from the ranks).
    loaded = swiftbpe.load(str(tmp_path / "tok.tiktoken"))
    loaded.save(str(tmp_path / "again"), formats=("tiktoken", "minbpe", "hf"))
    for suffix in (".tiktoken", ".model", ".vocab", ".tokenizer.json"):
        assert (tmp_path / f"again{suffix}").read_bytes() == (tmp_path / f"tok{suffix}").read_bytes(), suffix

    assert vocabulary.encode_ordinary(text) == encoding.encode_ordinary(text)
    assert vocabulary.encode(text, allowed_special={SPECIAL}) == encoding.encode(text, allowed_special={SPECIAL})
    with pytest.raises(swiftbpe.EncodeError, match="special token"):
        vocabulary.encode(text)
    batch = vocabulary.encode_batch(TEXTS * 3, allowed_special="all", threads=2)
    assert batch == [encoding.encode(t, allowed_special="all") for t in TEXTS * 3]
    assert vocabulary.encode_ordinary_batch(TEXTS) == [encoding.encode_ordinary(t) for t in TEXTS]
    ids = vocabulary.encode(text, allowed_special="all")
    assert vocabulary.decode(ids) == text
    for bad in (2**32 + 104, -1, vocabulary.n_vocab):
        with pytest.raises(swiftbpe.EncodeError, match=f"id {bad} at position 1"):
            vocabulary.decode([104, bad])
    assert vocabulary.decode_bytes(ids) == text.encode()


def test_hugging_face_tokenizer_json_from_python_matches_tiktoken(tmp_path, documents):
    tokenizers = pytest.importorskip("tokenizers")
    for pattern in ("gpt2", "gpt4", "o200k"):
        vocabulary = swiftbpe.train(iterator=documents, vocab_size=700, special_tokens=[SPECIAL], pattern=pattern)
        vocabulary.save(str(tmp_path / pattern), formats=["hf"])
        hf = tokenizers.Tokenizer.from_file(str(tmp_path / f"{pattern}.tokenizer.json"))
        encoding = vocabulary.encoding()
        for text in TEXTS:
            assert hf.encode(text, add_special_tokens=False).ids == encoding.encode(text, allowed_special="all"), pattern


def test_progress_reports_on_stderr(capfd, documents):
    swiftbpe.train(iterator=documents, vocab_size=600, progress=True)
    error = capfd.readouterr().err
    assert "merge" in error


def test_a_long_iterator_streams(documents):
    """Many more documents than one batch: counted batch by batch, same merges as one batch."""
    many = (documents[i % len(documents)] for i in range(20_000))
    streamed = swiftbpe.train(iterator=many, vocab_size=600, batch_documents=500)
    whole = swiftbpe.train(iterator=[documents[i % len(documents)] for i in range(20_000)], vocab_size=600,
                           batch_documents=10**9)
    assert streamed.merges == whole.merges
    assert streamed.report["corpus"]["words"] == whole.report["corpus"]["words"]


def fixtures_directory():
    """$BPE_FIXTURES, else shared/fixtures beside the repository or one of its parents, else
    beside the checkout this clone was made from (as the Swift fixture tests look). A missing
    fixture fails the test; it is never skipped."""
    import subprocess
    from conftest import REPOSITORY
    if os.environ.get("BPE_FIXTURES"):
        return os.environ["BPE_FIXTURES"]
    starts = [REPOSITORY]
    origin = subprocess.run(["git", "-C", REPOSITORY, "config", "--get", "remote.origin.url"], capture_output=True,
                            text=True).stdout.strip()
    if origin and os.path.isdir(origin):
        starts.append(os.path.abspath(origin))
    for folder in starts:
        while folder != os.path.dirname(folder):
            candidate = os.path.join(os.path.dirname(folder), "shared", "fixtures")
            if os.path.isdir(candidate):
                return candidate
            folder = os.path.dirname(folder)
    pytest.fail("no shared fixtures: set BPE_FIXTURES, or put shared/fixtures beside the repository")


def test_gpt2_files_load_with_tiktokens_ids():
    """GPT-2's encoder.json + vocab.bpe (not in swift-bpe's layout: encoding only) give
    tiktoken's GPT-2 ids."""
    gpt2 = os.path.join(fixtures_directory(), "gpt2")
    vocabulary = swiftbpe.load(os.path.join(gpt2, "gpt2_vocab.json"), merges=os.path.join(gpt2, "gpt2_merges.txt"))
    reference = tiktoken.Encoding(
        name="gpt2", pat_str=vocabulary.pattern,
        mergeable_ranks=tiktoken.load.load_tiktoken_bpe(os.path.join(gpt2, "gpt2.tiktoken")),
        special_tokens={"<|endoftext|>": 50256})
    text = "".join(TEXTS)
    assert vocabulary.encode(text, allowed_special="all") == reference.encode(text, allowed_special="all")
    assert vocabulary.special_tokens == {"<|endoftext|>": 50256}
    with pytest.raises(ValueError, match="layout"):
        vocabulary.save("/tmp/never", formats=["minbpe"])


def test_many_vocabulary_sizes_from_one_run(tmp_path, documents):
    many = swiftbpe.train(iterator=documents, vocab_sizes=[300, 700, 500], special_tokens=[SPECIAL, "<|pad|>"])
    assert sorted(many) == [300, 500, 700]
    for size, vocabulary in many.items():
        single = swiftbpe.train(iterator=documents, vocab_size=size, special_tokens=[SPECIAL, "<|pad|>"])
        assert vocabulary.mergeable_ranks == single.mergeable_ranks, size
        assert vocabulary.special_tokens == single.special_tokens == {SPECIAL: size - 2, "<|pad|>": size - 1}
        vocabulary.save(str(tmp_path / f"v{size}"), formats=["tiktoken", "minbpe"])
        single.save(str(tmp_path / f"s{size}"), formats=["tiktoken", "minbpe"])
        for suffix in (".tiktoken", ".model", ".vocab"):
            assert (tmp_path / f"v{size}{suffix}").read_bytes() == (tmp_path / f"s{size}{suffix}").read_bytes()
