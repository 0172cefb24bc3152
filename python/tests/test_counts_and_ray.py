"""Word-count files from Python, and counting on a local Ray cluster: the same merges as one
machine training on all the text."""
import gzip
import json
import os
import subprocess
import sys

import pytest

import swiftbpe
from conftest import generated_documents, read_tiktoken, run_bpe, sample_documents

SPECIAL = "<|endoftext|>"


@pytest.fixture(scope="module")
def documents():
    return generated_documents(seed=21, count=360) + sample_documents()


def shard_files(directory, documents, shards=3):
    """The documents in shards of several forms: text, gzip text, JSON Lines."""
    paths = []
    for index in range(shards):
        part = documents[index * len(documents) // shards:(index + 1) * len(documents) // shards]
        if index % 3 == 0:
            path = directory / f"part{index}.txt"
            path.write_bytes(SPECIAL.join(part).encode())
        elif index % 3 == 1:
            path = directory / f"part{index}.txt.gz"
            path.write_bytes(gzip.compress(SPECIAL.join(part).encode()))
        else:
            path = directory / f"part{index}.jsonl"
            path.write_bytes(b"".join(json.dumps({"text": d}).encode() + b"\n" for d in part))
        paths.append(str(path))
    return paths


def test_count_files_from_python_match_the_command_line(tmp_path, bpe, documents):
    paths = shard_files(tmp_path, documents)
    expected = swiftbpe.train(iterator=documents, vocab_size=900, special_tokens=[SPECIAL])
    counts = []
    for index, path in enumerate(paths):
        output = tmp_path / f"{index}.counts"
        swiftbpe.count_words(files=[path], output=str(output), special_tokens=[SPECIAL])
        counts.append(str(output))
    assert swiftbpe.train(counts=counts, vocab_size=900, special_tokens=[SPECIAL]).merges == expected.merges
    swiftbpe.merge_counts(counts, tmp_path / "all.counts")
    assert swiftbpe.train(counts=[str(tmp_path / "all.counts")], vocab_size=900,
                          special_tokens=[SPECIAL]).merges == expected.merges
    # The command line reads what Python wrote, and the other way round.
    run_bpe(bpe, "train", "--counts", str(tmp_path / "all.counts"), "--vocab-size", "900", "--output",
            str(tmp_path / "cli"), "--quiet")
    assert read_tiktoken(tmp_path / "cli.tiktoken") == expected.mergeable_ranks
    run_bpe(bpe, "count", "--input", paths[0], "--special-token", SPECIAL, "--output", str(tmp_path / "cli0.counts"),
            "--quiet")
    assert (tmp_path / "cli0.counts").read_bytes() == (tmp_path / "0.counts").read_bytes()
    with pytest.raises(swiftbpe.InputError, match="counted with the pattern gpt4, not gpt2"):
        swiftbpe.train(counts=counts, vocab_size=900, special_tokens=[SPECIAL], pattern="gpt2")
    (tmp_path / "cut.counts").write_bytes((tmp_path / "all.counts").read_bytes()[:-5])
    with pytest.raises(swiftbpe.InputError, match="truncated"):
        swiftbpe.train(counts=[str(tmp_path / "cut.counts")], vocab_size=900, special_tokens=[SPECIAL])


def test_ray_counts_train_like_one_machine(tmp_path, documents):
    ray = pytest.importorskip("ray")
    import swiftbpe.ray as on_ray
    paths = shard_files(tmp_path, documents, shards=5)
    expected = swiftbpe.train(files=paths, vocab_size=900, special_tokens=[SPECIAL])
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        vocabulary = on_ray.train([str(tmp_path / "part*")], vocab_size=900, special_tokens=[SPECIAL])
    finally:
        ray.shutdown()
    assert vocabulary.merges == expected.merges
    assert vocabulary.report["corpus"]["words"] == expected.report["corpus"]["words"]


def test_ray_command_line_writes_the_files_of_bpe_train(tmp_path, bpe, documents):
    pytest.importorskip("ray")
    paths = shard_files(tmp_path, documents, shards=3)
    environment = dict(os.environ, RAY_DISABLE_IMPORT_WARNING="1")
    completed = subprocess.run(
        [sys.executable, "-m", "swiftbpe.ray", "--input", str(tmp_path / "part*"), "--vocab-size", "700",
         "--special-token", SPECIAL, "--output", str(tmp_path / "ray"), "--format", "tiktoken,minbpe,hf"],
        capture_output=True, env=environment, timeout=600)
    assert completed.returncode == 0, completed.stderr.decode()[-3000:]
    expected = swiftbpe.train(files=paths, vocab_size=700, special_tokens=[SPECIAL])
    assert read_tiktoken(tmp_path / "ray.tiktoken") == expected.mergeable_ranks
    for suffix in (".model", ".vocab", ".tokenizer.json", ".train.json"):
        assert (tmp_path / f"ray{suffix}").exists(), suffix
    missing = subprocess.run([sys.executable, "-m", "swiftbpe.ray", "--input", str(tmp_path / "nothing*"),
                              "--vocab-size", "700"], capture_output=True, env=environment, timeout=600)
    assert missing.returncode == 1 and b"no input matches" in missing.stderr
