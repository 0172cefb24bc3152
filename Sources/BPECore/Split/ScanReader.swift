/// The preset scanners' view of a piece: reads the bytes before `limit` and nothing else, and
/// records in `reachedLimit` whether any decision needed the text at or after it (the scanner's
/// counterpart of PCRE2's hard partial matching). Where `limit` is the piece's end, that is
/// simply the end of the text.
///
/// This file holds the scanners' only pointer reads. Every read is at an offset below `limit`,
/// which the caller guarantees is within the piece. The text is valid UTF-8 (the input readers
/// check or repair it); a malformed sequence is still read safely, as one "other" character of
/// one byte.
@usableFromInline
struct ScanReader {
    let base: UnsafePointer<UInt8>
    let limit: Int
    let byteClasses: UnsafePointer<UInt8>
    let blockIndex: UnsafePointer<UInt8>
    let blocks: UnsafePointer<UInt8>
    /// Whether a read was refused at the limit.
    var reachedLimit = false

    init(base: UnsafePointer<UInt8>, limit: Int, table: UnicodeClassTable) {
        self.base = base
        self.limit = limit
        self.byteClasses = table.byteClasses
        self.blockIndex = table.blockIndex
        self.blocks = table.blocks
    }

    /// The byte at `offset`, or 0 at or after the limit (which it records). Only compared with
    /// ASCII letters, apostrophes and the bytes of `ſ`, so 0 stands for "none of them".
    @inline(__always)
    mutating func byte(at offset: Int) -> UInt8 {
        if offset < limit { return base[offset] }
        reachedLimit = true
        return 0
    }

    /// The classes and byte length of the character at `offset`; length 0 at or after the
    /// limit (which it records).
    @inline(__always)
    mutating func character(at offset: Int) -> (classes: UInt8, length: Int) {
        guard offset < limit else {
            reachedLimit = true
            return (0, 0)
        }
        let lead = base[offset]
        if lead < 0x80 { return (byteClasses[Int(lead)], 1) }
        return multibyteCharacter(at: offset)
    }

    /// The classes and length of the character of two to four bytes at `offset` (< limit).
    @inline(__always)
    func multibyteCharacter(at offset: Int) -> (classes: UInt8, length: Int) {
        let lead = UInt32(base[offset])
        if lead < 0xE0 {
            if lead >= 0xC2 && offset + 1 < limit {
                return (classes(of: (lead & 0x1F) << 6 | UInt32(base[offset + 1] & 0x3F)), 2)
            }
        } else if lead < 0xF0 {
            if offset + 2 < limit {
                let scalar = (lead & 0x0F) << 12 | UInt32(base[offset + 1] & 0x3F) << 6 | UInt32(base[offset + 2] & 0x3F)
                return (classes(of: scalar), 3)
            }
        } else if lead < 0xF5 && offset + 3 < limit {
            let scalar = (lead & 0x07) << 18 | UInt32(base[offset + 1] & 0x3F) << 12
                | UInt32(base[offset + 2] & 0x3F) << 6 | UInt32(base[offset + 3] & 0x3F)
            return (classes(of: scalar), 4)
        }
        return (0, 1)
    }

    @inline(__always)
    func classes(of scalar: UInt32) -> UInt8 {
        blocks[Int(blockIndex[Int(scalar >> 7)]) << 7 | Int(scalar & 0x7F)]
    }

    /// The end of the run, from `offset`, of characters that have any of `classes`.
    /// - Complexity: O(run length); ASCII costs one table load per byte.
    @inline(__always)
    mutating func endOfRun(from offset: Int, anyOf classes: UInt8) -> Int {
        var position = offset
        while position < limit {
            let byteClass = byteClasses[Int(base[position])]
            if byteClass & classes != 0 {
                position += 1
                continue
            }
            if byteClass & UnicodeClassTable.multibyte == 0 { return position }
            let character = multibyteCharacter(at: position)
            if character.classes & classes == 0 { return position }
            position += character.length
        }
        reachedLimit = true
        return position
    }

    /// The end of the run of letters (`\p{L}`) from `offset`: eight ASCII bytes at a time while
    /// they are all ASCII letters, then character by character.
    /// - Complexity: O(run length); about two instructions per byte on ASCII words.
    @inline(__always)
    mutating func endOfLetters(from offset: Int) -> Int {
        endOfASCIIRangeRun(from: offset, foldingCase: true, classes: UnicodeClassTable.letter)
    }

    /// The end of the run of o200k's lowercase class (`[\p{Ll}\p{Lm}\p{Lo}\p{M}]`) from
    /// `offset`: eight bytes at a time while they are all `a`–`z`.
    @inline(__always)
    mutating func endOfLowerish(from offset: Int) -> Int {
        endOfASCIIRangeRun(from: offset, foldingCase: false, classes: UnicodeClassTable.lowerish)
    }

    /// The end of the run of `classes` from `offset`, whose ASCII members are exactly `a`–`z`
    /// (and `A`–`Z` when `foldingCase`): eight bytes at a time while all are such letters,
    /// then `endOfRun` from the first byte that is not (at once, if it is ASCII: the run ends).
    @inline(__always)
    mutating func endOfASCIIRangeRun(from offset: Int, foldingCase: Bool, classes: UInt8) -> Int {
        var position = offset
        while position &+ 8 <= limit {
            let bytes = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            let stop = Self.firstNotInAToZ(bytes, foldingCase: foldingCase)
            if stop < 8 { return base[position &+ stop] >= 0x80 ? endOfRun(from: position &+ stop, anyOf: classes) : position &+ stop }
            position &+= 8
        }
        return endOfRun(from: position, anyOf: classes)
    }

    /// The index (0...8) of the first byte of `bytes` (little-endian: byte 0 is the lowest)
    /// that is not `a`–`z` (with `foldingCase`, not an ASCII letter). Each byte is tested in its
    /// own lane: with the high bit cleared (and bit 5 set, folding case), `a`–`z` is
    /// 0x61...0x7A, which two additions tell without carries between lanes.
    @inline(__always)
    static func firstNotInAToZ(_ bytes: UInt64, foldingCase: Bool) -> Int {
        let word = UInt64(littleEndian: bytes)
        let high: UInt64 = 0x8080_8080_8080_8080
        let low7 = (word & ~high) | (foldingCase ? 0x2020_2020_2020_2020 : 0)
        let atLeastA = low7 &+ 0x1F1F_1F1F_1F1F_1F1F       // high bit: low7 >= 0x61
        let beyondZ = low7 &+ 0x0505_0505_0505_0505        // high bit: low7 >= 0x7B
        let inRange = atLeastA & ~beyondZ & ~word & high
        return ((~inRange) & high).trailingZeroBitCount >> 3
    }

    /// `\p{N}{1,3}` from `start`, an ASCII digit, while the characters are ASCII: nil if a
    /// non-ASCII character (which may be a number) or the limit comes before the answer.
    @inline(__always)
    func endOfASCIIDigits(from start: Int) -> Int? {
        var end = start + 1
        for _ in 0..<2 {
            guard end < limit else { return nil }
            let byte = base[end]
            guard byte < 0x80 else { return nil }
            if byteClasses[Int(byte)] & UnicodeClassTable.number == 0 { break }
            end += 1
        }
        return end
    }

    /// The end of the run, from `offset`, of characters that have none of `classes`.
    /// - Complexity: O(run length).
    @inline(__always)
    mutating func endOfRun(from offset: Int, noneOf classes: UInt8) -> Int {
        var position = offset
        while position < limit {
            let byteClass = byteClasses[Int(base[position])]
            if byteClass & UnicodeClassTable.multibyte == 0 {
                if byteClass & classes != 0 { return position }
                position += 1
                continue
            }
            let character = multibyteCharacter(at: position)
            if character.classes & classes != 0 { return position }
            position += character.length
        }
        reachedLimit = true
        return position
    }

    /// A run of whitespace from `offset`: where it ends, where its last character starts, and
    /// the end of its last CR or LF (`nil`: it has none).
    struct SpaceRun {
        var end: Int
        var lastStart: Int
        var afterLastNewline: Int?
    }

    /// The run of `\s` characters from `offset`, whose first character is whitespace.
    @inline(__always)
    mutating func spaceRun(from offset: Int) -> SpaceRun {
        var run = SpaceRun(end: offset, lastStart: offset, afterLastNewline: nil)
        while true {
            let character = character(at: run.end)
            if character.classes & UnicodeClassTable.space == 0 { return run }
            run.lastStart = run.end
            run.end += character.length
            if character.classes & UnicodeClassTable.newline != 0 { run.afterLastNewline = run.end }
        }
    }

    /// `\s+(?!\S)|\s+` on a run of whitespace from `start`: all of it at the end of the text;
    /// before a non-space, all but its last character, or that one character alone (the last
    /// then starts a word of its own: `" a"`, or `"\n"` before a letter).
    @inline(__always)
    func spaceWord(_ run: SpaceRun, start: Int) -> Int {
        if run.end >= limit || run.lastStart == start { return run.end }
        return run.lastStart
    }

    /// `\p{N}{1,3}` from `offset`, whose first character (of `length` bytes) is a number.
    @inline(__always)
    mutating func endOfDigits(from offset: Int, firstLength: Int) -> Int {
        var end = offset + firstLength
        for _ in 0..<2 {
            let character = character(at: end)
            if character.classes & UnicodeClassTable.number == 0 { break }
            end += character.length
        }
        return end
    }

    /// The end of a contraction (`'s`, `'d`, `'m`, `'t`, `'ll`, `'ve`, `'re`; with
    /// `ignoringCase` also any case mix and `'ſ'`, U+017F, which folds to `s`) that starts with
    /// the apostrophe at `offset`, or nil.
    @inline(__always)
    mutating func endOfContraction(at offset: Int, ignoringCase: Bool) -> Int? {
        let raw = byte(at: offset + 1)
        // ASCII letters differ from their capitals in bit 5 only; no other byte folds onto one.
        let first = ignoringCase ? raw | 0x20 : raw
        switch first {
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"):
            return offset + 2
        case UInt8(ascii: "l"), UInt8(ascii: "v"), UInt8(ascii: "r"):
            let rawSecond = byte(at: offset + 2)
            let second = ignoringCase ? rawSecond | 0x20 : rawSecond
            let expected = first == UInt8(ascii: "l") ? UInt8(ascii: "l") : UInt8(ascii: "e")
            return second == expected ? offset + 3 : nil
        default:
            if ignoringCase && raw == 0xC5 && byte(at: offset + 2) == 0xBF { return offset + 3 }
            return nil
        }
    }
}
