#!/usr/bin/env python3
"""swift-bpe's benchmarks, side by side with rustbpe and Hugging Face tokenizers in the same
run (machines here are shared and noisy: only ratios within one run mean anything).

  bench.py train --bpe BPE --corpus FILE [--vocab-size 50257] [--rounds 3] [--anchors rustbpe,hf]
               [--pattern gpt4|gpt2] [--threads N]
      Alternates the trainers (A B C A B C ...); medians of wall time, peak RSS and CPU%
      (/usr/bin/time -v); fails if they learned different numbers of merges. With --pattern gpt2
      the anchor is gigabpe (GPT-2's ByteLevel split is the only one it has).
  bench.py split --bpe BPE --corpus FILE [--rounds 3]
      `bpe split-throughput` with and without counting at 1 and 2 threads, on the preset's
      scanner and on PCRE2, alternating.
  bench.py encode --bpe BPE --corpus FILE --fixtures DIR [--rounds 3]
      `bpe encode --format u32` with GPT-2's vocabulary against the exact encoders that load a
      .tiktoken file (tiktoken, fastokens, splintr-rs, riptoken: their batch calls) at 1 and 2
      threads, alternating; MB/s, and whether each one's ids equal ours (ours must equal
      tiktoken's, or it fails).
  bench.py python --bpe BPE --corpus FILE [--rounds 3]
      The Python package against rustbpe, alternating: rustbpe's train_from_iterator,
      swiftbpe.rustbpe's (the drop-in: must learn rustbpe's merges, checked by digest),
      swiftbpe.train from the same iterator and from the file, and `bpe train`.
  bench.py inputs --bpe BPE --corpus FILE [--rounds 3]
      `bpe train` on the corpus as plain text, .gz, .zst, JSON Lines and .jsonl.zst (made in a
      temporary folder; documents = the text between separators), alternating; the merges
      must be identical.
  bench.py counts --bpe BPE --corpus FILE [--shards 4]
      `bpe count` on the corpus cut into shards at document boundaries, `bpe merge-counts`,
      `bpe train --counts`, against `bpe train` on the file: wall time and peak RSS of each
      step; the .tiktoken files must be identical. One round per step (alternating with the
      plain run); --rounds repeats.
  bench.py ray --bpe BPE --corpus FILE [--shards 8] [--rounds 3]
      `python -m swiftbpe.ray` on the corpus cut into shards at document boundaries (a local
      Ray on this machine's cores) against `bpe train` on the file, alternating; the
      .tiktoken files must be identical.
  bench.py speed --bpe BPE --corpus-dir DIR [--rounds 3]
      The speed-lead targets, each in its own alternating run: mixed-100m and mixed-1g against
      rustbpe (GPT-4 pattern), mixed-1g against gigabpe (GPT-2 pattern), every phase at 1 and 2
      threads on mixed-1g, 200,000 merges against 50,000 on mixed-1g (merge loop), and mixed-4g
      against mixed-1g (wall, peak RSS).
  bench.py suite --bpe BPE --corpus-dir DIR [--rounds 3] [--anchors rustbpe,hf] [--fixtures DIR]
      Every target of the speed issue: mixed-100m and mixed-1g against the anchors, split
      floor and scaling on mixed-1g, mixed-4g against mixed-1g, 200k merges against 50k;
      with --fixtures, also the encode comparison on mixed-100m.

Each prints markdown; --markdown FILE appends it there too.
"""
import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SEPARATOR = "<|endoftext|>"


def timed(command):
    """Runs `command` under /usr/bin/time -v: wall seconds, peak RSS bytes, CPU%, merges, output."""
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    text = result.stdout + result.stderr

    def field(pattern):
        return re.search(pattern, text).group(1)

    clock = field(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)").split(":")
    merges = re.search(r"\+ (\d+) merges", text) or re.search(r"merges=(\d+)", text)
    return {
        "wall": sum(float(part) * 60 ** i for i, part in enumerate(reversed(clock))),
        "rss": int(field(r"Maximum resident set size \(kbytes\): (\d+)")) * 1024,
        "cpu": int(field(r"Percent of CPU this job got: (\d+)%")),
        "merges": int(merges.group(1)) if merges else None,
        "digest": re.search(r"digest=(\S+)", text).group(1) if "digest=" in text else None,
        "output": text,
    }


def phase_seconds(output, label):
    match = re.search(rf"^{re.escape(label)}\s+([0-9.]+)", output, re.MULTILINE)
    return float(match.group(1)) if match else None


def profile_table(output):
    return output[output.index("phase"):output.index("peak RSS:")].rstrip()


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    return f"{os.cpu_count()} cores ({cpu})"


def ours(bpe, corpus, vocab_size, directory, extra=()):
    return [bpe, "train", "--input", corpus, "--vocab-size", str(vocab_size),
            "--special-token", SEPARATOR, "--output", os.path.join(directory, "bench"), "--profile", *extra]


def anchor(name, corpus, vocab_size):
    if name == "gigabpe":
        # HF's BpeTrainer starts from the bytes the corpus holds, not all 256: the same number of
        # merges needs a vocabulary smaller by the bytes that never occur.
        vocab_size -= 256 - len(distinct_bytes(corpus))
    return [sys.executable, os.path.join(HERE, "anchor_train.py"), name, corpus, str(vocab_size)]


def distinct_bytes(path):
    import mmap
    import numpy
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return numpy.flatnonzero(numpy.bincount(numpy.frombuffer(data, dtype=numpy.uint8), minlength=256))


def train(bpe, corpus, vocab_size, rounds, anchors, check_merge_counts=True, pattern="gpt4", threads=None):
    """Alternating rounds; returns (markdown, medians, last swift-bpe run)."""
    with tempfile.TemporaryDirectory() as directory:
        extra = ["--pattern", pattern] + (["--threads", str(threads)] if threads else [])
        commands = {"swift-bpe": ours(bpe, corpus, vocab_size, directory, extra)}
        for name in anchors:
            commands[name] = anchor(name, corpus, vocab_size)
        runs = {name: [] for name in commands}
        for round_number in range(rounds):
            for name, command in commands.items():
                run = timed(command)
                runs[name].append(run)
                print(f"  {os.path.basename(corpus)} round {round_number + 1} {name}: {run['wall']:.2f} s, "
                      f"{run['rss'] / 2**30:.2f} GiB, {run['cpu']}% CPU, {run['merges']} merges", file=sys.stderr)
    merges = {name: {r["merges"] for r in rs} for name, rs in runs.items()}
    if check_merge_counts and len({m for ms in merges.values() for m in ms}) != 1:
        sys.exit(f"the trainers learned different numbers of merges: {merges}")
    if "rustbpe" in runs and "swiftbpe-rustbpe" in runs:
        digests = {name: {r["digest"] for r in runs[name]} for name in ("rustbpe", "swiftbpe-rustbpe")}
        if len(digests["rustbpe"] | digests["swiftbpe-rustbpe"]) != 1:
            sys.exit(f"swiftbpe.rustbpe learned other merges than rustbpe: {digests}")
    if "swiftbpe-iterator" in runs and "swiftbpe-files" in runs:
        digests = {r["digest"] for name in ("swiftbpe-iterator", "swiftbpe-files") for r in runs[name]}
        if len(digests) != 1:
            sys.exit(f"swiftbpe.train from an iterator and from the file learned different merges: {digests}")
    median = {name: {key: statistics.median(r[key] for r in rs) for key in ("wall", "rss", "cpu")}
              for name, rs in runs.items()}
    # The merge loop's own median (from each round's --profile), for ratios between runs.
    loops = [phase_seconds(r.get("output", ""), "merge loop") for r in runs["swift-bpe"]]
    if None not in loops:
        median["swift-bpe"]["merge loop"] = statistics.median(loops)
    base = median["swift-bpe"]
    lines = [
        f"`{os.path.basename(corpus)}` ({os.path.getsize(corpus) / 1e6:.0f} MB), vocabulary {vocab_size}, "
        f"{'GPT-2' if pattern == 'gpt2' else 'GPT-4'} pattern, `{SEPARATOR}` documents; {machine()}; "
        f"median of {rounds} alternating round(s)",
        "",
        "| trainer | wall s | peak RSS GiB | CPU % | wall ÷ swift-bpe | RSS ÷ swift-bpe |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in median.items():
        lines.append(f"| {name} | {m['wall']:.2f} | {m['rss'] / 2**30:.2f} | {m['cpu']:.0f} | "
                     f"{m['wall'] / base['wall']:.2f}× | {m['rss'] / base['rss']:.2f}× |")
    last = runs["swift-bpe"][-1]
    lines += ["", "swift-bpe `--profile` (last round):", "", "```", profile_table(last["output"]), "```", ""]
    return "\n".join(lines), median, last


def python_package(bpe, corpus, vocab_size, rounds):
    """swiftbpe (Python) against rustbpe; the drop-in must learn rustbpe's exact merges."""
    names = ["rustbpe", "swiftbpe-rustbpe", "swiftbpe-iterator", "swiftbpe-files"]
    text, median, _ = train(bpe, corpus, vocab_size, rounds, names, check_merge_counts=False)
    return text


def compressed_copies(corpus, directory):
    """The corpus as .txt.gz, .txt.zst, .jsonl and .jsonl.zst in `directory`."""
    import ctypes
    import ctypes.util
    import gzip
    import json
    zstd = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
    zstd.ZSTD_compressBound.restype = ctypes.c_size_t
    zstd.ZSTD_compressBound.argtypes = [ctypes.c_size_t]
    zstd.ZSTD_compress.restype = ctypes.c_size_t
    zstd.ZSTD_compress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]

    def zstd_compress(data):
        capacity = zstd.ZSTD_compressBound(len(data))
        output = ctypes.create_string_buffer(capacity)
        size = zstd.ZSTD_compress(output, capacity, data, len(data), 3)
        return output.raw[:size]

    with open(corpus, "rb") as handle:
        text = handle.read()
    lines = b"".join(json.dumps({"text": part.decode("utf-8")}).encode() + b"\n"
                     for part in text.split(SEPARATOR.encode()) if part)
    paths = {}
    for name, data in (("txt.gz", gzip.compress(text, compresslevel=6)), ("txt.zst", zstd_compress(text)),
                       ("jsonl", lines), ("jsonl.zst", zstd_compress(lines))):
        paths[name] = os.path.join(directory, "corpus." + name)
        with open(paths[name], "wb") as handle:
            handle.write(data)
    return paths


def inputs(bpe, corpus, vocab_size, rounds):
    """`bpe train` on one corpus in every input form; identical merges required."""
    import hashlib
    with tempfile.TemporaryDirectory() as directory:
        paths = {"txt": corpus, **compressed_copies(corpus, directory)}
        runs = {name: [] for name in paths}
        digests = {}
        for round_number in range(rounds):
            for name, path in paths.items():
                prefix = os.path.join(directory, "out-" + name.replace(".", "-"))
                extra = ["--input-format", "jsonl"] if name.startswith("jsonl") else []
                command = [bpe, "train", "--input", path, "--vocab-size", str(vocab_size), "--special-token",
                           SEPARATOR, "--output", prefix, "--format", "tiktoken", "--profile", *extra]
                run = timed(command)
                runs[name].append(run)
                with open(prefix + ".tiktoken", "rb") as handle:
                    digests.setdefault(name, set()).add(hashlib.sha256(handle.read()).hexdigest())
                print(f"  {name} round {round_number + 1}: {run['wall']:.2f} s, {run['rss'] / 2**30:.2f} GiB, "
                      f"read {phase_seconds(run['output'], 'read')} s", file=sys.stderr)
        sizes = {name: os.path.getsize(path) for name, path in paths.items()}
    if len({d for ds in digests.values() for d in ds}) != 1:
        sys.exit(f"the input forms gave different merges: {digests}")
    median = {name: {key: statistics.median(r[key] for r in rs) for key in ("wall", "rss", "cpu")}
              for name, rs in runs.items()}
    read = {name: statistics.median(phase_seconds(r["output"], "read") for r in rs) for name, rs in runs.items()}
    base = median["txt"]
    lines = [
        f"`{os.path.basename(corpus)}` as each input form, `bpe train` vocabulary {vocab_size}; {machine()}; "
        f"median of {rounds} alternating round(s); identical merges",
        "",
        "| input | file MB | wall s | read phase s | peak RSS GiB | wall ÷ text |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in median.items():
        lines.append(f"| {name} | {sizes[name] / 1e6:.0f} | {m['wall']:.2f} | {read[name]:.2f} | "
                     f"{m['rss'] / 2**30:.2f} | {m['wall'] / base['wall']:.2f}× |")
    return "\n".join(lines) + "\n"


def write_shards(corpus, directory, shards):
    """The corpus cut into `shards` files at document boundaries."""
    with open(corpus, "rb") as handle:
        documents = handle.read().split(SEPARATOR.encode())
    paths = []
    for shard in range(shards):
        part = documents[shard * len(documents) // shards:(shard + 1) * len(documents) // shards]
        path = os.path.join(directory, f"shard{shard}.txt")
        with open(path, "wb") as handle:
            handle.write(SEPARATOR.encode().join(part))
        paths.append(path)
    return paths


def ray_bench(bpe, corpus, vocab_size, rounds, shards):
    """swiftbpe.ray on a local Ray against bpe train."""
    import hashlib
    with tempfile.TemporaryDirectory() as directory:
        write_shards(corpus, directory, shards)
        commands = {
            "bpe train (file)": [bpe, "train", "--input", corpus, "--vocab-size", str(vocab_size), "--special-token",
                                 SEPARATOR, "--output", os.path.join(directory, "plain"), "--format", "tiktoken"],
            f"swiftbpe.ray ({shards} shards)": [sys.executable, "-m", "swiftbpe.ray", "--input",
                                                os.path.join(directory, "shard*.txt"), "--vocab-size", str(vocab_size),
                                                "--special-token", SEPARATOR, "--output", os.path.join(directory, "ray"),
                                                "--format", "tiktoken"],
        }
        runs = {name: [] for name in commands}
        for round_number in range(rounds):
            for name, command in commands.items():
                run = timed(command)
                runs[name].append(run)
                print(f"  round {round_number + 1} {name}: {run['wall']:.2f} s, {run['rss'] / 2**30:.2f} GiB", file=sys.stderr)
            digests = set()
            for name in ("plain", "ray"):
                with open(os.path.join(directory, name + ".tiktoken"), "rb") as handle:
                    digests.add(hashlib.sha256(handle.read()).hexdigest())
            if len(digests) != 1:
                sys.exit("swiftbpe.ray learned other merges than bpe train")
        counted = [float(re.search(r"counted \d+ input\(s\) on Ray in ([0-9.]+) s", r["output"]).group(1))
                   for r in runs[f"swiftbpe.ray ({shards} shards)"]]
    median = {name: {key: statistics.median(r[key] for r in rs) for key in ("wall", "rss")} for name, rs in runs.items()}
    base = median["bpe train (file)"]
    lines = [
        f"`{os.path.basename(corpus)}`, vocabulary {vocab_size}, local Ray on {machine()}; median of {rounds} "
        "alternating round(s); identical .tiktoken",
        "",
        "| run | wall s | peak RSS GiB (driver process) | wall ÷ bpe train |",
        "|---|---|---|---|",
    ]
    for name, m in median.items():
        lines.append(f"| {name} | {m['wall']:.2f} | {m['rss'] / 2**30:.2f} | {m['wall'] / base['wall']:.2f}× |")
    lines += ["", f"Count + merge tasks on Ray (driver's clock, median): {statistics.median(counted):.2f} s"]
    return "\n".join(lines) + "\n"


def counts(bpe, corpus, vocab_size, rounds, shards):
    """Count shards, merge, train from counts, against training on the file."""
    import hashlib
    with tempfile.TemporaryDirectory() as directory:
        paths = write_shards(corpus, directory, shards)
        steps = {name: [] for name in ["train (file)"] + [f"count shard {i}" for i in range(shards)]
                 + ["merge-counts", "train --counts"]}
        digests = set()
        for round_number in range(rounds):
            run = timed([bpe, "train", "--input", corpus, "--vocab-size", str(vocab_size), "--special-token", SEPARATOR,
                         "--output", os.path.join(directory, "plain"), "--format", "tiktoken"])
            steps["train (file)"].append(run)
            for i, path in enumerate(paths):
                steps[f"count shard {i}"].append(timed([bpe, "count", "--input", path, "--special-token", SEPARATOR,
                                                        "--output", path + ".counts", "--quiet"]))
            steps["merge-counts"].append(timed([bpe, "merge-counts", *[p + ".counts" for p in paths], "--output",
                                                os.path.join(directory, "all.counts"), "--quiet"]))
            steps["train --counts"].append(timed([bpe, "train", "--counts", os.path.join(directory, "all.counts"),
                                                  "--vocab-size", str(vocab_size), "--output",
                                                  os.path.join(directory, "counted"), "--format", "tiktoken", "--quiet"]))
            for name in ("plain", "counted"):
                with open(os.path.join(directory, name + ".tiktoken"), "rb") as handle:
                    digests.add(hashlib.sha256(handle.read()).hexdigest())
            print(f"  round {round_number + 1}: " + ", ".join(f"{n} {r[-1]['wall']:.2f} s" for n, r in steps.items()),
                  file=sys.stderr)
        sizes = {"merge-counts": os.path.getsize(os.path.join(directory, "all.counts"))}
        for i, path in enumerate(paths):
            sizes[f"count shard {i}"] = os.path.getsize(path + ".counts")
    if len(digests) != 1:
        sys.exit("training from counts gave other merges than training on the file")
    median = {name: {key: statistics.median(r[key] for r in rs) for key in ("wall", "rss")} for name, rs in steps.items()}
    chain = sum(m["wall"] for name, m in median.items() if name != "train (file)")
    lines = [
        f"`{os.path.basename(corpus)}` in {shards} shards at document boundaries, vocabulary {vocab_size}; {machine()}; "
        f"median of {rounds} round(s); identical .tiktoken from the counts and from the file",
        "",
        "| step | wall s | peak RSS GiB | count file MB |",
        "|---|---|---|---|",
    ]
    for name, m in median.items():
        size = f"{sizes[name] / 1e6:.1f}" if name in sizes else ""
        lines.append(f"| {name} | {m['wall']:.2f} | {m['rss'] / 2**30:.2f} | {size} |")
    lines.append(f"| all count steps, one after another | {chain:.2f} | | |")
    return "\n".join(lines) + "\n"


def split(bpe, corpus, rounds):
    """split-only and split+count at 1 and 2 threads, with the preset's scanner and with the same
    pattern forced through PCRE2, alternating; returns (markdown, medians of the scanner)."""
    configurations = [(engine, threads, count) for threads in (1, 2) for count in (False, True)
                      for engine in ("auto", "pcre2")]
    speeds = {c: [] for c in configurations}
    for _ in range(rounds):
        for engine, threads, count in configurations:
            command = [bpe, "split-throughput", "--input", corpus, "--special-token", SEPARATOR,
                       "--threads", str(threads), "--split-engine", engine] + (["--count"] if count else [])
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            speeds[(engine, threads, count)].append(float(re.search(r"MB/s=([0-9.]+)", output).group(1)))
    median = {c: statistics.median(v) for c, v in speeds.items()}
    lines = [
        f"`bpe split-throughput` on `{os.path.basename(corpus)}`, GPT-4 pattern, on its scanner (`--split-engine auto`) "
        f"and on PCRE2 (`--split-engine pcre2`); median MB/s of {rounds} alternating round(s)",
        "",
        "| threads | split: scanner | split: PCRE2 | scanner ÷ PCRE2 | split + count: scanner | split + count: PCRE2 "
        "| scanner ÷ PCRE2 | count ÷ floor (scanner) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for threads in (1, 2):
        floor, floor_pcre2 = median[("auto", threads, False)], median[("pcre2", threads, False)]
        counted, counted_pcre2 = median[("auto", threads, True)], median[("pcre2", threads, True)]
        lines.append(f"| {threads} | {floor:.1f} | {floor_pcre2:.1f} | {floor / floor_pcre2:.2f}× | {counted:.1f} | "
                     f"{counted_pcre2:.1f} | {counted / counted_pcre2:.2f}× | {counted / floor:.2f} |")
    lines += ["", f"Scaling 1 → 2 threads (scanner): split only {median[('auto', 2, False)] / median[('auto', 1, False)]:.2f}×, "
                  f"split + count {median[('auto', 2, True)] / median[('auto', 1, True)]:.2f}×.", ""]
    scanner = {(threads, count): median[("auto", threads, count)] for threads in (1, 2) for count in (False, True)}
    return "\n".join(lines), scanner


ENCODE_ANCHORS = ("tiktoken", "fastokens", "splintr", "riptoken")


def encode(bpe, corpus, fixtures, rounds, anchors=ENCODE_ANCHORS):
    """bpe encode against the exact encoders at 1 and 2 threads; returns (markdown, medians)."""
    ranks = os.path.join(fixtures, "gpt2", "gpt2.tiktoken")
    size = os.path.getsize(corpus)
    names = ("swift-bpe",) + tuple(anchors)
    speeds = {(who, threads): [] for threads in (1, 2) for who in names}
    rss = {key: [] for key in speeds}
    exact = {who: True for who in anchors}
    with tempfile.TemporaryDirectory() as directory:
        ours_out = os.path.join(directory, "ours.u32")
        theirs_out = os.path.join(directory, "theirs.u32")
        for round_number in range(rounds):
            for threads in (1, 2):
                run = timed([bpe, "encode", "--vocab", ranks, "--pattern", "gpt2", "--special-token", SEPARATOR,
                             "--allow-special", "all", "--format", "u32", "--input", corpus, "--output", ours_out,
                             "--threads", str(threads)])
                speeds[("swift-bpe", threads)].append(size / run["wall"] / 1e6)
                rss[("swift-bpe", threads)].append(run["rss"])
                for who in anchors:
                    run = timed([sys.executable, os.path.join(HERE, "anchor_encode.py"), corpus, str(threads),
                                 theirs_out, ranks, who])
                    seconds = float(re.search(r"seconds=([0-9.]+)", run["output"]).group(1))
                    speeds[(who, threads)].append(size / seconds / 1e6)
                    rss[(who, threads)].append(run["rss"])
                    if subprocess.run(["cmp", "-s", ours_out, theirs_out]).returncode != 0:
                        if who == "tiktoken":
                            sys.exit(f"bpe encode and tiktoken gave different ids on {corpus} at {threads} thread(s)")
                        exact[who] = False
                print(f"  encode round {round_number + 1}, {threads} thread(s): "
                      + ", ".join(f"{who} {speeds[(who, threads)][-1]:.1f} MB/s" for who in names), file=sys.stderr)
    median = {key: statistics.median(values) for key, values in speeds.items()}
    versions = ", ".join(f"{who} {package_version(who)}" for who in anchors)
    lines = [
        f"`bpe encode --format u32` on `{os.path.basename(corpus)}` ({size / 1e6:.0f} MB) with GPT-2's vocabulary "
        f"(`gpt2.tiktoken`, gpt2 pattern, `{SEPARATOR}` allowed) against {versions}, each encoding the documents "
        f"in one batch call (`Scripts/anchor_encode.py`); {machine()}; median of {rounds} alternating round(s). "
        "Our MB/s is over the whole command (loading the vocabulary, reading, validating, writing); "
        "the anchors' over the batch call alone. Our ids equal tiktoken's in every round; "
        "an anchor whose ids differ from tiktoken's is marked not exact.",
        "",
        "| threads | swift-bpe MB/s | " + " | ".join(f"{who} MB/s" for who in anchors)
        + " | swift-bpe ÷ fastest exact anchor | swift-bpe peak RSS MiB |",
        "|---|---|" + "---|" * len(anchors) + "---|---|",
    ]
    for threads in (1, 2):
        ours_speed = median[("swift-bpe", threads)]
        exact_speeds = [(median[(who, threads)], who) for who in anchors if exact[who]]
        fastest, fastest_name = max(exact_speeds)
        cells = [f"{median[(who, threads)]:.1f}" + ("" if exact[who] else " (not exact)") for who in anchors]
        lines.append(f"| {threads} | {ours_speed:.1f} | " + " | ".join(cells)
                     + f" | {ours_speed / fastest:.2f}× ({fastest_name}) | "
                     f"{statistics.median(rss[('swift-bpe', threads)]) / 2**20:.0f} |")
    return "\n".join(lines + [""]), median


PHASES = ["read", "split+count", "merge tables", "init pairs", "merge loop", "write", "total (wall)"]


def scaling(bpe, corpus, rounds, vocab_size=50257):
    """Every phase at 1 and 2 threads, alternating; medians and the speed-up."""
    with tempfile.TemporaryDirectory() as directory:
        runs = {1: [], 2: []}
        for round_number in range(rounds):
            for threads in (1, 2):
                run = timed(ours(bpe, corpus, vocab_size, directory, ["--threads", str(threads)]))
                runs[threads].append(run)
                print(f"  scaling round {round_number + 1}, {threads} thread(s): {run['wall']:.2f} s", file=sys.stderr)
    lines = [f"`{os.path.basename(corpus)}` @ {vocab_size}, every phase at 1 and 2 threads; {machine()}; "
             f"median of {rounds} alternating round(s)", "",
             "| phase | 1 thread s | 2 threads s | speed-up |", "|---|---|---|---|"]
    speedups = {}
    for phase in PHASES:
        one = statistics.median(phase_seconds(r["output"], phase) for r in runs[1])
        two = statistics.median(phase_seconds(r["output"], phase) for r in runs[2])
        speedups[phase] = one / two if two else float("nan")
        lines.append(f"| {phase} | {one:.3f} | {two:.3f} | {speedups[phase]:.2f}× |")
    return "\n".join(lines) + "\n", speedups


def speed(bpe, directory, rounds):
    """The speed-lead targets (issue 13)."""
    corpus = {name: os.path.join(directory, f"mixed-{name}.txt") for name in ("100m", "1g", "4g")}
    sections, summary = [], []
    text, m100, _ = train(bpe, corpus["100m"], 50257, rounds, ["rustbpe"])
    sections += ["#### mixed-100m against rustbpe (target ≥ 8×)", "", text]
    summary.append(f"- mixed-100m: rustbpe takes {m100['rustbpe']['wall'] / m100['swift-bpe']['wall']:.2f}× our wall "
                   f"time (target ≥ 8×); our peak RSS is {m100['swift-bpe']['rss'] / m100['rustbpe']['rss']:.2f}× its.")
    text, m1g, last1g = train(bpe, corpus["1g"], 50257, rounds, ["rustbpe"])
    sections += ["#### mixed-1g against rustbpe (target ≥ 15×, RSS ≤ 0.5×)", "", text]
    summary.append(f"- mixed-1g: rustbpe takes {m1g['rustbpe']['wall'] / m1g['swift-bpe']['wall']:.2f}× our wall "
                   f"time (target ≥ 15×); our peak RSS is {m1g['swift-bpe']['rss'] / m1g['rustbpe']['rss']:.2f}× its (target ≤ 0.5×).")
    text, giga, _ = train(bpe, corpus["1g"], 50257, rounds, ["gigabpe"], pattern="gpt2")
    sections += ["#### mixed-1g, GPT-2 pattern, against gigabpe (target ≥ 3×, RSS ≤ its)", "", text]
    summary.append(f"- mixed-1g, GPT-2 pattern: gigabpe takes {giga['gigabpe']['wall'] / giga['swift-bpe']['wall']:.2f}× "
                   f"our wall time (target ≥ 3×); our peak RSS is {giga['swift-bpe']['rss'] / giga['gigabpe']['rss']:.2f}× its (target ≤ 1×).")
    text, speedups = scaling(bpe, corpus["1g"], rounds)
    sections += ["#### Phases at 1 and 2 threads (target ≥ 1.8× for all but the write)", "", text]
    summary.append("- 1 → 2 threads: " + ", ".join(f"{phase} {speedups[phase]:.2f}×" for phase in PHASES) + ".")
    text, m200k, last200k = train(bpe, corpus["1g"], 200257, rounds, [])
    sections += ["#### 200,000 merges on mixed-1g (target: merge loop ≤ 2× the 50,000 loop)", "", text]
    loop50, loop200 = m1g["swift-bpe"]["merge loop"], m200k["swift-bpe"]["merge loop"]
    summary.append(f"- Merge loop at 200k ÷ at 50k: {loop200 / loop50:.2f}× (target ≤ 2×; medians of the "
                   f"merge-loop phase, {loop200:.2f} ÷ {loop50:.2f} s).")
    if os.path.exists(corpus["4g"]):
        text, m4g, _ = train(bpe, corpus["4g"], 50257, rounds, [])
        sections += ["#### mixed-4g (target: RSS ≤ 1.2×, wall ≤ 4× mixed-1g)", "", text]
        summary.append(f"- mixed-4g ÷ mixed-1g: peak RSS {m4g['swift-bpe']['rss'] / m1g['swift-bpe']['rss']:.2f}× "
                       f"(target ≤ 1.2×), wall {m4g['swift-bpe']['wall'] / m1g['swift-bpe']['wall']:.2f}× (target ≤ 4×).")
    return "\n".join(["#### Summary", ""] + summary + [""] + sections)


def package_version(name):
    import importlib.metadata
    return importlib.metadata.version({"splintr": "splintr-rs"}.get(name, name))


def suite(bpe, directory, rounds, anchors, fixtures=None):
    corpus = {name: os.path.join(directory, f"mixed-{name}.txt") for name in ("100m", "1g", "4g")}
    sections = []

    text, m100, _ = train(bpe, corpus["100m"], 50257, rounds, anchors)
    sections += ["#### Target 5: mixed-100m", "", text]
    big_anchors = [a for a in anchors if a == "rustbpe"]  # HF takes minutes per run on 1 GB
    text, m1g, last1g = train(bpe, corpus["1g"], 50257, rounds, big_anchors)
    sections += ["#### Target 1: mixed-1g", "", text]

    text, speeds = split(bpe, corpus["1g"], rounds)
    sections += ["#### Target 2: split + count against the split floor (mixed-1g)", "", text]

    summary = []
    if os.path.exists(corpus["4g"]):
        text, m4g, _ = train(bpe, corpus["4g"], 50257, rounds, [])
        sections += ["#### Target 3: mixed-4g (mixed-1g four times)", "", text]
        summary.append(f"- Target 3: mixed-4g ÷ mixed-1g: peak RSS {m4g['swift-bpe']['rss'] / m1g['swift-bpe']['rss']:.2f}× "
                       f"(target ≤ 1.2×), wall {m4g['swift-bpe']['wall'] / m1g['swift-bpe']['wall']:.2f}× (target ≤ 4.5×).")
    text, m200k, last200k = train(bpe, corpus["1g"], 200257, rounds, [])
    sections += ["#### Target 4: 200,000 merges on mixed-1g", "", text]
    loop50 = phase_seconds(last1g["output"], "merge loop")
    loop200 = phase_seconds(last200k["output"], "merge loop")
    summary.insert(0, f"- Target 4: merge loop at 200k ÷ at 50k: {loop200 / loop50:.2f}× (target ≤ 3×).")

    for name, median in (("mixed-100m", m100), ("mixed-1g", m1g)):
        if "rustbpe" in median:
            ratio = median["rustbpe"]["wall"] / median["swift-bpe"]["wall"]
            memory = median["swift-bpe"]["rss"] / median["rustbpe"]["rss"]
            summary.insert(0, f"- {name}: rustbpe takes {ratio:.2f}× our wall time (target ≥ 6×); "
                              f"our peak RSS is {memory:.2f}× rustbpe's (target ≤ 0.5× on mixed-1g).")
    summary.append(f"- Target 2: split + count at 2 threads is {speeds[(2, True)] / speeds[(2, False)]:.2f}× "
                   f"the split floor (target ≥ 0.67×); 1 → 2 threads scales split + count "
                   f"{speeds[(2, True)] / speeds[(1, True)]:.2f}× (target ≥ 1.8×).")
    if fixtures and os.path.exists(os.path.join(fixtures, "gpt2", "gpt2.tiktoken")):
        text, speeds = encode(bpe, corpus["100m"], fixtures, rounds)
        sections += ["#### Encode: mixed-100m with GPT-2's vocabulary against the exact encoders", "", text]
        for threads in (1, 2):
            ratio = speeds[("swift-bpe", threads)] / speeds[("tiktoken", threads)]
            summary.append(f"- Encode at {threads} thread(s): {ratio:.2f}× tiktoken's throughput (target ≥ 3×), "
                           "byte-identical ids; the table has the other anchors.")
    return "\n".join(["#### Summary", ""] + summary + [""] + sections)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["train", "split", "encode", "python", "inputs", "counts", "ray", "speed", "suite"])
    parser.add_argument("--shards", type=int, default=4)
    parser.add_argument("--bpe", required=True)
    parser.add_argument("--corpus")
    parser.add_argument("--corpus-dir")
    parser.add_argument("--fixtures", help="the shared fixtures folder (holds gpt2/gpt2.tiktoken)")
    parser.add_argument("--vocab-size", type=int, default=50257)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--anchors", default="rustbpe,hf")
    parser.add_argument("--pattern", default="gpt4", choices=["gpt4", "gpt2"])
    parser.add_argument("--threads", type=int)
    parser.add_argument("--markdown")
    args = parser.parse_args()
    bpe = os.path.abspath(args.bpe)
    anchors = [a for a in args.anchors.split(",") if a]
    if args.mode == "train":
        text = train(bpe, args.corpus, args.vocab_size, args.rounds, anchors,
                     pattern=args.pattern, threads=args.threads)[0]
    elif args.mode == "split":
        text = split(bpe, args.corpus, args.rounds)[0]
    elif args.mode == "ray":
        text = ray_bench(bpe, args.corpus, args.vocab_size, args.rounds, args.shards)
    elif args.mode == "counts":
        text = counts(bpe, args.corpus, args.vocab_size, args.rounds, args.shards)
    elif args.mode == "inputs":
        text = inputs(bpe, args.corpus, args.vocab_size, args.rounds)
    elif args.mode == "python":
        text = python_package(bpe, args.corpus, args.vocab_size, args.rounds)
    elif args.mode == "speed":
        text = speed(bpe, args.corpus_dir, args.rounds)
    elif args.mode == "encode":
        text = encode(bpe, args.corpus, args.fixtures, args.rounds)[0]
    else:
        text = suite(bpe, args.corpus_dir, args.rounds, anchors, args.fixtures)
    print(text)
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
