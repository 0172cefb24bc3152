extension ScanReader {
    /// The end of the `gpt2` word that starts at `start` (below the limit):
    /// `'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`.
    ///
    /// The alternatives in order: a contraction (case-sensitive); an optional space, then a run
    /// of letters, of numbers or of other characters, whichever the first character after the
    /// space starts; else the whitespace alternatives. Every character starts some word, so words
    /// are never empty and follow one another.
    @inline(__always)
    mutating func gpt2Word(at start: Int) -> Int {
        let lead = base[start]
        if lead == UInt8(ascii: "'"), let end = endOfContraction(at: start, ignoringCase: false) { return end }
        var runStart = start
        if lead == UInt8(ascii: " ") {
            // ` ?` takes the space only if a letter, number or other character follows it.
            let second = character(at: start + 1)
            if second.length > 0 && second.classes & UnicodeClassTable.space == 0 { runStart = start + 1 }
        }
        let first = character(at: runStart)
        if first.classes & UnicodeClassTable.letter != 0 {
            return endOfLetters(from: runStart + first.length)
        }
        if first.classes & UnicodeClassTable.number != 0 {
            return endOfRun(from: runStart + first.length, anyOf: UnicodeClassTable.number)
        }
        if first.classes & UnicodeClassTable.space == 0 {
            return endOfRun(
                from: runStart + first.length,
                noneOf: UnicodeClassTable.letter | UnicodeClassTable.number | UnicodeClassTable.space)
        }
        return spaceWord(spaceRun(from: start), start: start)
    }
}
