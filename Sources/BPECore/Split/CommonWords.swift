extension ScanReader {
    /// The end of a word of ASCII letters, or of a space and ASCII letters, at `start` (below
    /// the limit), whose end is a run of letters — or nil if the word does not start so.
    /// Exact for `gpt2` (` ?\p{L}+`) and `gpt4` (`[^\r\n\p{L}\p{N}]?+\p{L}+`; its contractions
    /// start with an apostrophe): most words of most text, without the rest of the grammar.
    @inline(__always)
    mutating func commonLetterWord(at start: Int) -> Int? {
        let lead = base[start]
        if byteClasses[Int(lead)] & UnicodeClassTable.letter != 0 { return endOfLetters(from: start + 1) }
        if lead == UInt8(ascii: " ") && start + 1 < limit && byteClasses[Int(base[start + 1])] & UnicodeClassTable.letter != 0 {
            return endOfLetters(from: start + 2)
        }
        return nil
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

    /// `gpt2Word`, not inlined: the scan loops call it for the less common words only.
    @inline(never)
    mutating func gpt2WordOutOfLine(at start: Int) -> Int { gpt2Word(at: start) }

    /// `gpt4Word`, not inlined.
    @inline(never)
    mutating func gpt4WordOutOfLine(at start: Int) -> Int { gpt4Word(at: start) }

    /// `o200kWord`, not inlined.
    @inline(never)
    mutating func o200kWordOutOfLine(at start: Int) -> Int { o200kWord(at: start) }
}
