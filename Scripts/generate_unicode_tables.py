#!/usr/bin/env python3
"""Writes Sources/BPECore/Split/UnicodeClassData.swift: the character classes the preset scanners
(SPEC §3) need, for every code point, from Unicode 16.0.0 — the version tiktoken's regex engine uses.

Source of truth: `unicodedata2==16.0.0` (PyPI; General_Category) and Unicode 16's PropList.txt
(White_Space, written out below: 25 code points, unchanged since Unicode 6.0). Every class is then
checked against tiktoken itself: a tiktoken Encoding whose pattern is the class alone (for example
`\\p{L}`) and whose tokens are the 256 bytes keeps exactly the characters its regex engine matches
(the text no match covers is dropped), over all 1,112,064 scalar values. The script fails if
tiktoken and unicodedata2 disagree on any code point, or if tiktoken's case folding of the
contraction letters is not the one the scanners hard-code (`s`/`S`/`ſ` U+017F; the other letters
only their two ASCII cases).

Usage:
    python3 Scripts/generate_unicode_tables.py          # regenerate the Swift file
    python3 Scripts/generate_unicode_tables.py --check  # fail if the committed file differs or tiktoken disagrees

Needs: pip install unicodedata2==16.0.0 tiktoken
"""
import os
import sys
from importlib.metadata import version

import tiktoken
import unicodedata2

UNICODE_VERSION = "16.0.0"
REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(REPOSITORY, "Sources", "BPECore", "Split", "UnicodeClassData.swift")

# PropList.txt (Unicode 16.0.0), White_Space=Yes: what Rust regex's `\s` matches.
WHITE_SPACE = [*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B),
               0x2028, 0x2029, 0x202F, 0x205F, 0x3000]

# The class bits; the same values are in UnicodeClassTable.swift.
LETTER = 0x01        # \p{L}
NUMBER = 0x02        # \p{N}
SPACE = 0x04         # \s (White_Space)
UPPERISH = 0x08      # [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]  (o200k)
LOWERISH = 0x10      # [\p{Ll}\p{Lm}\p{Lo}\p{M}]        (o200k)
NEWLINE = 0x20       # [\r\n]

# The classes as tiktoken's regex engine spells them, with the bit each one sets.
TIKTOKEN_CLASSES = [
    (r"\p{L}", LETTER),
    (r"\p{N}", NUMBER),
    (r"\s", SPACE),
    (r"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]", UPPERISH),
    (r"[\p{Ll}\p{Lm}\p{Lo}\p{M}]", LOWERISH),
    (r"[\r\n]", NEWLINE),
]

BLOCK_SHIFT = 7  # 128 code points per block: 230 distinct blocks, so a one-byte block index.
SCALARS = [cp for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]


def classes_from_unicodedata():
    if unicodedata2.unidata_version != UNICODE_VERSION:
        sys.exit(f"unicodedata2 has Unicode {unicodedata2.unidata_version}, not {UNICODE_VERSION}: "
                 f"pip install unicodedata2=={UNICODE_VERSION}")
    white_space = set(WHITE_SPACE)
    flags = bytearray(0x110000)
    for cp in range(0x110000):
        category = unicodedata2.category(chr(cp))
        value = 0
        if category[0] == "L":
            value |= LETTER
        if category[0] == "N":
            value |= NUMBER
        if cp in white_space:
            value |= SPACE
        if category in ("Lu", "Lt", "Lm", "Lo") or category[0] == "M":
            value |= UPPERISH
        if category in ("Ll", "Lm", "Lo") or category[0] == "M":
            value |= LOWERISH
        if cp in (0x0A, 0x0D):
            value |= NEWLINE
        flags[cp] = value
    return flags


def tiktoken_members(pattern):
    """The scalar values tiktoken's regex engine matches with `pattern` (one character each)."""
    ranks = {bytes([b]): b for b in range(256)}
    encoding = tiktoken.Encoding("class-probe", pat_str=pattern, mergeable_ranks=ranks, special_tokens={})
    kept = bytes(encoding.encode_ordinary("".join(map(chr, SCALARS)))).decode("utf-8")
    return set(map(ord, kept))


def check_against_tiktoken(flags):
    problems = []
    for pattern, bit in TIKTOKEN_CLASSES:
        expected = {cp for cp in SCALARS if flags[cp] & bit}
        actual = tiktoken_members(pattern)
        for cp in sorted(expected ^ actual)[:10]:
            problems.append(f"{pattern}: U+{cp:04X} is {'in' if cp in actual else 'not in'} tiktoken's class")
    # The contractions' case folding, which the scanners hard-code.
    for letter in "sdmtlver":
        expected = {ord(letter), ord(letter.upper())} | ({0x17F} if letter == "s" else set())
        actual = tiktoken_members(f"(?i:{letter})")
        if actual != expected:
            problems.append(f"(?i:{letter}) matches {sorted(map(hex, actual))}, the scanners expect {sorted(map(hex, expected))}")
    if tiktoken_members("(?i:')") != {0x27}:
        problems.append("(?i:') matches more than the apostrophe")
    return problems


def swift_source(flags):
    size = 1 << BLOCK_SHIFT
    blocks, index = {}, []
    for start in range(0, 0x110000, size):
        block = bytes(flags[start:start + size])
        index.append(blocks.setdefault(block, len(blocks)))
    assert len(blocks) <= 256, "block index no longer fits a byte: raise BLOCK_SHIFT"
    block_text = "".join(chr(0x30 + v) for block in blocks for v in block)  # every class value < 64
    index_text = "".join(f"{i:02x}" for i in index)

    def lines(text, width=120):
        return "\n".join(text[i:i + width] for i in range(0, len(text), width))

    return f'''// Generated by Scripts/generate_unicode_tables.py from Unicode {UNICODE_VERSION}
// (unicodedata2 {version('unicodedata2')}, White_Space from PropList.txt), checked against
// tiktoken's regex engine on every scalar value. Do not edit: regenerate.

extension UnicodeClassTable {{
    /// The Unicode version of these tables (tiktoken's).
    public static let unicodeVersion = "{UNICODE_VERSION}"
    /// Code points per block: `1 << blockShift`.
    static let blockShift = {BLOCK_SHIFT}
    /// {len(index)} block numbers, two hex digits each (one per {size} code points from U+0000).
    static let encodedBlockIndex: StaticString = #"""
{lines(index_text)}
"""#
    /// {len(blocks)} distinct blocks of {size} class values, each value (< 64) written as the
    /// character U+0030 + value.
    static let encodedBlocks: StaticString = #"""
{lines(block_text)}
"""#
}}
'''


def main():
    flags = classes_from_unicodedata()
    problems = check_against_tiktoken(flags)
    if problems:
        sys.exit("tiktoken disagrees with Unicode " + UNICODE_VERSION + ":\n  " + "\n  ".join(problems))
    source = swift_source(flags)
    if "--check" in sys.argv[1:]:
        with open(OUTPUT, encoding="utf-8", newline="") as f:
            if f.read() != source:
                sys.exit(f"{OUTPUT} is not what the generator writes: run Scripts/generate_unicode_tables.py")
        print(f"Unicode class tables: Unicode {UNICODE_VERSION}, equal to tiktoken {version('tiktoken')} on every scalar value")
        return
    with open(OUTPUT + ".tmp", "w", encoding="utf-8", newline="") as f:
        f.write(source)
    os.replace(OUTPUT + ".tmp", OUTPUT)
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
