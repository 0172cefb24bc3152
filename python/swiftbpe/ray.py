"""Counting on Ray: one count task per input file on the cluster, the count files merged in a
tree of tasks, and the merges learned on the driver from the merged counts.

    python -m swiftbpe.ray --input 'data/*.jsonl.zst' --input-format jsonl --vocab-size 50257 \\
        --special-token '<|endoftext|>' --output tok [--format tiktoken,minbpe,hf] [--address auto]

writes the files ``bpe train`` writes (``tok.tiktoken``, ``tok.model``, ...) with the merges of
training on all the inputs on one machine. Without ``--address`` it starts a local Ray
(``ray.init()``); with one, it joins that cluster (``auto``, ``ray://host:10001``, ...). The
workers need swiftbpe installed and the input paths readable (a shared file system or the same
paths on every node); count files travel back through Ray's object store.

From Python: ``swiftbpe.ray.train(inputs, vocab_size=..., ...)`` returns the ``Vocabulary``.
"""
import argparse
import glob
import os
import sys
import tempfile
import time

from . import training

#: How many count files one merge task joins.
MERGE_FAN_IN = 8


def _settings(pattern, special_tokens, invalid_utf8):
    return {"pattern": pattern, "special_tokens": list(special_tokens), "invalid_utf8": invalid_utf8}


def _count_file(path, settings, text_field, threads):
    """On a worker: the count file of one input, as bytes."""
    trainer = training.Trainer(vocab_size=256 + len(settings["special_tokens"]), threads=threads, **settings)
    trainer.add_files([path], text_field=text_field)
    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "part.counts")
        trainer.save_counts(output)
        with open(output, "rb") as handle:
            return handle.read()


def _merge_blobs(*blobs):
    """On a worker: several count files (bytes) merged into one (bytes)."""
    with tempfile.TemporaryDirectory() as directory:
        paths = []
        for index, blob in enumerate(blobs):
            path = os.path.join(directory, f"{index}.counts")
            with open(path, "wb") as handle:
                handle.write(blob)
            paths.append(path)
        output = os.path.join(directory, "merged.counts")
        training.merge_counts(paths, output)
        with open(output, "rb") as handle:
            return handle.read()


def expand(inputs):
    """Paths and globs as a sorted list of files; a pattern that matches nothing is an error."""
    paths = []
    for item in inputs:
        matched = sorted(glob.glob(item)) if any(ch in item for ch in "*?[") else [item]
        if not matched:
            raise FileNotFoundError(f"no input matches '{item}'")
        paths.extend(matched)
    return paths


def train(inputs, *, vocab_size, pattern="gpt4", special_tokens=(), min_frequency=2, max_token_length=None,
          tie_break="cs336", text_field="text", invalid_utf8="error", threads_per_task=1, address=None,
          progress=False):
    """Counts ``inputs`` (paths or globs; text, .gz, .zst, .jsonl, .parquet) on Ray, one task per
    file, merges the counts in a tree of tasks, and learns the merges on the driver.

    Returns the ``Vocabulary`` (its ``save`` writes the files ``bpe train`` writes)."""
    import ray

    paths = expand(inputs)
    started_here = False
    if not ray.is_initialized():
        ray.init(address=address, ignore_reinit_error=True, log_to_driver=False)
        started_here = True
    try:
        settings = _settings(pattern, special_tokens, invalid_utf8)
        count = ray.remote(num_cpus=threads_per_task)(_count_file)
        merge = ray.remote(num_cpus=1)(_merge_blobs)
        started = time.monotonic()
        level = [count.remote(os.path.abspath(path), settings, text_field, threads_per_task) for path in paths]
        # A tree: each task joins up to MERGE_FAN_IN count files, until one is left.
        while len(level) > 1:
            level = [merge.remote(*level[i:i + MERGE_FAN_IN]) for i in range(0, len(level), MERGE_FAN_IN)]
        merged = ray.get(level[0])
        if progress:
            print(f"counted {len(paths)} input(s) on Ray in {time.monotonic() - started:.1f} s", file=sys.stderr)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "all.counts")
            with open(path, "wb") as handle:
                handle.write(merged)
            return training.train(counts=[path], vocab_size=vocab_size, min_frequency=min_frequency,
                                  max_token_length=max_token_length, tie_break=tie_break, progress=progress,
                                  **settings)
    finally:
        if started_here:
            ray.shutdown()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m swiftbpe.ray", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--input", action="append", required=True, help="an input file or glob (repeatable)")
    parser.add_argument("--vocab-size", type=int, required=True)
    parser.add_argument("--pattern", default="gpt4")
    parser.add_argument("--special-token", action="append", default=[])
    parser.add_argument("--min-frequency", type=int, default=2)
    parser.add_argument("--max-token-length", type=int)
    parser.add_argument("--tie-break", default="cs336", choices=sorted(training.TIE_BREAKS))
    parser.add_argument("--input-format", default=None, choices=["text", "jsonl"],
                        help="by default told by each file's name (.jsonl, .parquet, else text)")
    parser.add_argument("--text-field", default="text")
    parser.add_argument("--invalid-utf8", default="error", choices=["error", "replace"])
    parser.add_argument("--threads-per-task", type=int, default=1)
    parser.add_argument("--output", default="tokenizer")
    parser.add_argument("--format", default="tiktoken,minbpe")
    parser.add_argument("--address", default=None, help="a Ray cluster to join (default: start a local one)")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.input_format == "jsonl":
        bad = [p for p in expand(args.input) if training._file_kind(p) != "jsonl"]
        if bad:
            parser.error(f"--input-format jsonl: name JSON Lines files .jsonl or .ndjson (got {bad[0]})")
    started = time.monotonic()
    try:
        vocabulary = train(args.input, vocab_size=args.vocab_size, pattern=args.pattern,
                           special_tokens=args.special_token, min_frequency=args.min_frequency,
                           max_token_length=args.max_token_length, tie_break=args.tie_break,
                           text_field=args.text_field, invalid_utf8=args.invalid_utf8,
                           threads_per_task=args.threads_per_task, address=args.address, progress=not args.quiet)
        vocabulary.save(args.output, formats=[f.strip() for f in args.format.split(",") if f.strip()])
    except (ValueError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(f"trained {len(vocabulary.merges)} merges on Ray in {time.monotonic() - started:.1f} s; "
              f"wrote {args.output}.*", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
