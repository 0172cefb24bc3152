#!/usr/bin/env python3
"""Side-by-side training benchmark: `bpe train` against rustbpe and Hugging Face tokenizers
on the same corpus, in the same run, alternating (A B C A B C ...), reporting medians and
ratios. Wall time, peak RSS and CPU% come from /usr/bin/time -v.

  bench.py --bpe PATH --corpus FILE [--vocab-size 50257] [--rounds 3] [--anchors rustbpe,hf]

Prints a markdown table (and appends it to --markdown FILE if given).
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


def timed(command):
    result = subprocess.run(["/usr/bin/time", "-v"] + command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-2000:]}")
    text = result.stdout + result.stderr

    def field(pattern):
        return re.search(pattern, text).group(1)

    clock = field(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)").split(":")
    wall = sum(float(part) * 60 ** i for i, part in enumerate(reversed(clock)))
    rss = int(field(r"Maximum resident set size \(kbytes\): (\d+)")) * 1024
    cpu = int(field(r"Percent of CPU this job got: (\d+)%"))
    merges = re.search(r"(\d+) merges", text) or re.search(r"merges=(\d+)", text)
    return {"wall": wall, "rss": rss, "cpu": cpu, "merges": int(merges.group(1)), "output": text}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bpe", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--vocab-size", type=int, default=50257)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--anchors", default="rustbpe,hf")
    parser.add_argument("--markdown")
    args = parser.parse_args()

    anchors = [a for a in args.anchors.split(",") if a]
    with tempfile.TemporaryDirectory() as directory:
        commands = {
            "swift-bpe": [os.path.abspath(args.bpe), "train", "--input", args.corpus,
                          "--vocab-size", str(args.vocab_size), "--special-token", "<|endoftext|>",
                          "--output", os.path.join(directory, "bench"), "--profile"],
        }
        for anchor in anchors:
            commands[anchor] = [sys.executable, os.path.join(HERE, "anchor_train.py"), anchor,
                                args.corpus, str(args.vocab_size)]
        runs = {name: [] for name in commands}
        for round_number in range(args.rounds):
            for name, command in commands.items():
                run = timed(command)
                runs[name].append(run)
                print(f"round {round_number + 1} {name}: {run['wall']:.2f} s, "
                      f"{run['rss'] / 2**30:.2f} GiB, {run['cpu']}% CPU, {run['merges']} merges",
                      file=sys.stderr)

    merges = {name: {r["merges"] for r in rs} for name, rs in runs.items()}
    if len({m for ms in merges.values() for m in ms}) != 1:
        sys.exit(f"the trainers learned different numbers of merges: {merges}")
    median = {name: {key: statistics.median(r[key] for r in rs) for key in ("wall", "rss", "cpu")}
              for name, rs in runs.items()}
    ours = median["swift-bpe"]
    cpu_model = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                      if line.startswith("model name")), platform.processor())
    lines = [
        f"corpus `{os.path.basename(args.corpus)}` ({os.path.getsize(args.corpus) / 1e6:.0f} MB), "
        f"vocabulary {args.vocab_size}, GPT-4 pattern, `<|endoftext|>` documents; "
        f"{os.cpu_count()} cores ({cpu_model}); median of {args.rounds} alternating rounds",
        "",
        "| trainer | wall s | peak RSS GiB | CPU % | wall vs swift-bpe | RSS vs swift-bpe |",
        "|---|---|---|---|---|---|",
    ]
    for name, m in median.items():
        lines.append(f"| {name} | {m['wall']:.2f} | {m['rss'] / 2**30:.2f} | {m['cpu']:.0f} | "
                     f"{m['wall'] / ours['wall']:.2f}× | {m['rss'] / ours['rss']:.2f}× |")
    profile = runs["swift-bpe"][-1]["output"]
    table = profile[profile.index("phase"):profile.index("peak RSS")].rstrip()
    lines += ["", "swift-bpe `--profile` (last round):", "", "```", table, "```"]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        with open(args.markdown, "a", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
