extension ScanReader {
    /// The end of the `gpt4` (cl100k_base) word that starts at `start` (below the limit):
    /// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]++[\r\n]*|\s*[\r\n]|\s+(?!\S)|\s+`.
    ///
    /// The alternatives in order: a contraction in any case; one character that is neither a
    /// letter, a number nor CR/LF, taken for good (`?+`), then letters — or letters alone; one to
    /// three numbers; an optional space, other characters, then CRs and LFs; whitespace up to its
    /// last CR or LF (`\s*` gives characters back until `[\r\n]` matches); the whitespace
    /// alternatives. Words are never empty and follow one another.
    @inline(__always)
    mutating func gpt4Word(at start: Int) -> Int {
        let lead = base[start]
        if lead == UInt8(ascii: "'"), let end = endOfContraction(at: start, ignoringCase: true) { return end }
        let first = character(at: start)
        if first.classes & UnicodeClassTable.letter != 0 {
            return endOfLetters(from: start + first.length)
        }
        if first.classes & UnicodeClassTable.number != 0 {
            return endOfDigits(from: start, firstLength: first.length)
        }
        let nonOther = UnicodeClassTable.letter | UnicodeClassTable.number | UnicodeClassTable.space
        if first.classes & UnicodeClassTable.newline == 0 {
            let second = character(at: start + first.length)
            if second.classes & UnicodeClassTable.letter != 0 {
                return endOfLetters(from: start + first.length + second.length)
            }
            if first.classes & UnicodeClassTable.space == 0 {
                let others = endOfRun(from: start + first.length, noneOf: nonOther)
                return endOfRun(from: others, anyOf: UnicodeClassTable.newline)
            }
            if lead == UInt8(ascii: " ") && second.length > 0 && second.classes & nonOther == 0 {
                let others = endOfRun(from: start + 1 + second.length, noneOf: nonOther)
                return endOfRun(from: others, anyOf: UnicodeClassTable.newline)
            }
        }
        let run = spaceRun(from: start)
        if let afterLastNewline = run.afterLastNewline { return afterLastNewline }
        return spaceWord(run, start: start)
    }
}
