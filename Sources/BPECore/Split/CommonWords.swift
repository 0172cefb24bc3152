/// Fast paths for the words that start with an ASCII character, which are most words of most
/// text: each returns the word's end, exactly as the preset's grammar would, or nil when the
/// word needs the whole grammar (a non-ASCII character where it matters, an apostrophe that
/// may start a contraction, the limit). They read below the limit only, except through the
/// run helpers, which record reaching it as the grammar does.
extension ScanReader {
    static let notLetterNumberOrSpace = UnicodeClassTable.letter | UnicodeClassTable.number | UnicodeClassTable.space

    /// The ASCII byte at `offset` with its classes, or nil at the limit or at a non-ASCII byte.
    @inline(__always)
    func asciiByte(at offset: Int) -> (byte: UInt8, classes: UInt8)? {
        guard offset < limit else { return nil }
        let byte = base[offset]
        guard byte < 0x80 else { return nil }
        return (byte, byteClasses[Int(byte)])
    }

    /// The run of ASCII whitespace from `start`: its end and the end of its last CR or LF
    /// (-1: none); nil if it reaches the limit or a non-ASCII byte (which may be whitespace).
    @inline(__always)
    func asciiSpaceRun(from start: Int) -> (end: Int, afterLastNewline: Int)? {
        var position = start
        var afterLastNewline = -1
        while position < limit {
            let byte = base[position]
            let classes = byteClasses[Int(byte)]
            if classes & UnicodeClassTable.space == 0 { return byte < 0x80 ? (position, afterLastNewline) : nil }
            position &+= 1
            if classes & UnicodeClassTable.newline != 0 { afterLastNewline = position }
        }
        return nil
    }

    /// `\s+(?!\S)|\s+` on an ASCII run from `start` that a non-space follows: all but its last
    /// character, or that character alone.
    @inline(__always)
    static func spaceWordEnd(start: Int, end: Int) -> Int { end - start >= 2 ? end - 1 : end }

    /// `gpt2`'s words that start with an ASCII character other than an apostrophe.
    @inline(__always)
    mutating func fastGPT2Word(at start: Int) -> Int? {
        let lead = base[start]
        if lead >= 0x80 || lead == UInt8(ascii: "'") { return nil }
        let leadClasses = byteClasses[Int(lead)]
        var runStart = start
        var classes = leadClasses
        if lead == UInt8(ascii: " ") {
            guard let next = asciiByte(at: start + 1) else { return nil }
            if next.classes & UnicodeClassTable.space == 0 {
                runStart = start + 1
                classes = next.classes
            }
        }
        if classes & UnicodeClassTable.letter != 0 { return endOfLetters(from: runStart + 1) }
        if classes & UnicodeClassTable.number != 0 { return endOfRun(from: runStart + 1, anyOf: UnicodeClassTable.number) }
        if classes & UnicodeClassTable.space == 0 { return endOfRun(from: runStart + 1, noneOf: Self.notLetterNumberOrSpace) }
        guard let run = asciiSpaceRun(from: start) else { return nil }
        return Self.spaceWordEnd(start: start, end: run.end)
    }

    /// `gpt4`'s words that start with an ASCII character other than an apostrophe. The letter
    /// runs share one call of `endOfLetters`, so that it is inlined once.
    @inline(__always)
    mutating func fastGPT4Word(at start: Int) -> Int? {
        let lead = base[start]
        if lead >= 0x80 || lead == UInt8(ascii: "'") { return nil }
        let leadClasses = byteClasses[Int(lead)]
        var lettersFrom = start + 1
        if leadClasses & UnicodeClassTable.letter == 0 {
            if leadClasses & UnicodeClassTable.number != 0 { return endOfASCIIDigits(from: start) }
            guard let next = asciiByte(at: start + 1) else { return nil }
            if leadClasses & UnicodeClassTable.newline == 0 && next.classes & UnicodeClassTable.letter != 0 {
                lettersFrom = start + 2
            } else if leadClasses & UnicodeClassTable.space == 0
                        || (lead == UInt8(ascii: " ") && next.classes & Self.notLetterNumberOrSpace == 0) {
                let others = endOfRun(from: lead == UInt8(ascii: " ") ? start + 2 : start + 1, noneOf: Self.notLetterNumberOrSpace)
                return endOfRun(from: others, anyOf: UnicodeClassTable.newline)
            } else {
                guard let run = asciiSpaceRun(from: start) else { return nil }
                if run.afterLastNewline >= 0 { return run.afterLastNewline }
                return Self.spaceWordEnd(start: start, end: run.end)
            }
        }
        return endOfLetters(from: lettersFrom)
    }

    /// `o200k`'s words that start with an ASCII character: letters (`commonO200kWord`), and
    /// numbers, punctuation and whitespace that no letter follows.
    @inline(__always)
    mutating func fastO200kWord(at start: Int) -> Int? {
        if let end = commonO200kWord(at: start) { return end }
        let lead = base[start]
        if lead >= 0x80 { return nil }
        let leadClasses = byteClasses[Int(lead)]
        if leadClasses & UnicodeClassTable.letter != 0 { return nil }
        if leadClasses & UnicodeClassTable.number != 0 { return endOfASCIIDigits(from: start) }
        // A letter after the lead makes it a prefix: the letter alternatives decide.
        guard let next = asciiByte(at: start + 1), next.classes & UnicodeClassTable.letter == 0 else { return nil }
        var othersStart = -1
        if leadClasses & UnicodeClassTable.space == 0 {
            othersStart = start + 1
        } else if lead == UInt8(ascii: " ") && next.classes & Self.notLetterNumberOrSpace == 0 {
            othersStart = start + 2
        }
        if othersStart >= 0 {
            let others = endOfRun(from: othersStart, noneOf: Self.notLetterNumberOrSpace)
            return endOfRun(from: others, anyOf: UnicodeClassTable.newline | UnicodeClassTable.slash)
        }
        guard let run = asciiSpaceRun(from: start) else { return nil }
        if run.afterLastNewline >= 0 { return run.afterLastNewline }
        return Self.spaceWordEnd(start: start, end: run.end)
    }

    /// The end of an `o200k` word made of an optional space, at most one ASCII capital, then
    /// ASCII small letters (and whatever `[\p{Ll}\p{Lm}\p{Lo}\p{M}]` characters follow) and an
    /// optional contraction — or nil if the word does not start so. The first alternative
    /// matches it: the capital is the whole `[\p{Lu}…]*` (a small letter follows it), the
    /// small letters start the `+`.
    @inline(__always)
    mutating func commonO200kWord(at start: Int) -> Int? {
        var position = start
        if base[position] == UInt8(ascii: " ") { position += 1 }
        guard position < limit else { return nil }
        var byte = base[position]
        if byte &- UInt8(ascii: "A") < 26 {
            position += 1
            guard position < limit else { return nil }
            byte = base[position]
        }
        guard byte &- UInt8(ascii: "a") < 26 else { return nil }
        return endOfSuffix(at: endOfLowerish(from: position + 1))
    }

    /// A preset's whole grammar, out of line, on a copy of the reader (so that the scan
    /// loops keep theirs in registers): the word's end and whether it reached the limit.
    @inline(never)
    static func wordOutOfLine(_ preset: SplitPattern, _ reader: ScanReader, at start: Int) -> (end: Int, reachedLimit: Bool) {
        var reader = reader
        let end: Int
        switch preset {
        case .gpt2: end = reader.gpt2Word(at: start)
        case .gpt4: end = reader.gpt4Word(at: start)
        case .o200k: end = reader.o200kWord(at: start)
        }
        return (end, reader.reachedLimit)
    }
}
