extension ScanReader {
    /// The end of the `o200k` (o200k_base) word that starts at `start` (below the limit). The
    /// alternatives, in order:
    /// 1. `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
    /// 2. `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`
    /// 3. `\p{N}{1,3}`
    /// 4. ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
    /// 5. `\s*[\r\n]+`, 6. `\s+(?!\S)`, 7. `\s+`
    ///
    /// The optional prefix is greedy but may be given back (a mark is both a prefix and a
    /// letter-class character), so each letter alternative is tried with the prefix, then
    /// without. Words are never empty and follow one another.
    @inline(__always)
    mutating func o200kWord(at start: Int) -> Int {
        let first = character(at: start)
        let prefixable = first.classes & (UnicodeClassTable.letter | UnicodeClassTable.number | UnicodeClassTable.newline) == 0
        if prefixable || first.classes & UnicodeClassTable.letter != 0,
           let letters = o200kLetters(at: start, first: first, prefixable: prefixable) {
            return endOfSuffix(at: letters)
        }
        if first.classes & UnicodeClassTable.number != 0 {
            return endOfDigits(from: start, firstLength: first.length)
        }
        let nonOther = UnicodeClassTable.letter | UnicodeClassTable.number | UnicodeClassTable.space
        var othersStart = -1
        if first.classes & UnicodeClassTable.space == 0 {
            othersStart = start + first.length
        } else if base[start] == UInt8(ascii: " ") {
            let second = character(at: start + 1)
            if second.length > 0 && second.classes & nonOther == 0 { othersStart = start + 1 + second.length }
        }
        if othersStart >= 0 {
            let others = endOfRun(from: othersStart, noneOf: nonOther)
            return endOfRun(from: others, anyOf: UnicodeClassTable.newline | UnicodeClassTable.slash)
        }
        let run = spaceRun(from: start)
        if let afterLastNewline = run.afterLastNewline { return afterLastNewline }
        return spaceWord(run, start: start)
    }

    /// What the two letter alternatives match before their suffix, or nil if neither does.
    @inline(__always)
    mutating func o200kLetters(at start: Int, first: (classes: UInt8, length: Int), prefixable: Bool) -> Int? {
        var afterPrefix: UpperishRun?
        if prefixable {
            let run = upperishRun(from: start + first.length)
            if let end = run.endOfFirstAlternative(reading: &self) { return end }
            afterPrefix = run
        }
        // Without the prefix: only a letter or a mark can start the case classes.
        let noPrefix: UpperishRun?
        if first.classes & (UnicodeClassTable.upperish | UnicodeClassTable.lowerish) != 0 {
            let run = upperishRun(from: start)
            if let end = run.endOfFirstAlternative(reading: &self) { return end }
            noPrefix = run
        } else {
            noPrefix = nil
        }
        // The second alternative: `[Lu Lt Lm Lo M]+` then `[Ll Lm Lo M]*`, which is empty here
        // (the first alternative failed, so no such character follows the run).
        if let run = afterPrefix, run.end > run.start { return run.end }
        if let run = noPrefix, run.end > run.start { return run.end }
        return nil
    }

    /// A run of `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]` from `start`.
    struct UpperishRun {
        var start: Int
        var end: Int
        /// The end of the run's last character that is also in `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`.
        var afterLastBoth: Int?
        /// Whether the character after the run is in `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`.
        var lowerishFollows: Bool

        /// Where `[Lu Lt Lm Lo M]*[Ll Lm Lo M]+` ends when its star takes this run: the greedy
        /// star keeps the whole run if a lowerish character follows; otherwise it gives back
        /// characters up to the last one that is also lowerish, which is then the `+`'s only
        /// character. Nil: the alternative fails here.
        @inline(__always)
        func endOfFirstAlternative(reading reader: inout ScanReader) -> Int? {
            if lowerishFollows { return reader.endOfLowerish(from: end) }
            return afterLastBoth
        }
    }

    @inline(__always)
    mutating func upperishRun(from start: Int) -> UpperishRun {
        var run = UpperishRun(start: start, end: start, afterLastBoth: nil, lowerishFollows: false)
        while true {
            let character = character(at: run.end)
            if character.classes & UnicodeClassTable.upperish == 0 {
                run.lowerishFollows = character.classes & UnicodeClassTable.lowerish != 0
                return run
            }
            run.end += character.length
            if character.classes & UnicodeClassTable.lowerish != 0 { run.afterLastBoth = run.end }
        }
    }

    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)?` at `offset`.
    @inline(__always)
    mutating func endOfSuffix(at offset: Int) -> Int {
        guard byte(at: offset) == UInt8(ascii: "'") else { return offset }
        return endOfContraction(at: offset, ignoringCase: true) ?? offset
    }
}
