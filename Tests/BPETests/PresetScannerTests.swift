import Testing
@_spi(Plumbing) @testable import BPECore

/// The preset scanners against PCRE2 running the same regexes: identical words wherever the two
/// agree on the characters' classes (Unicode 14.0 characters), and the Unicode 16.0 classes
/// where they do not. `Scripts/check_split.py` compares the scanners with tiktoken itself on text
/// full of Unicode 15.0–16.0 characters.
@Suite struct PresetScannerTests {
    /// The classes the scanners test, as PCRE2 patterns, with the table's bit for each.
    static let classPatterns: [(regex: String, bit: UInt8)] = [
        (#"\p{L}"#, UnicodeClassTable.letter),
        (#"\p{N}"#, UnicodeClassTable.number),
        (#"\s"#, UnicodeClassTable.space),
        (#"[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]"#, UnicodeClassTable.upperish),
        (#"[\p{Ll}\p{Lm}\p{Lo}\p{M}]"#, UnicodeClassTable.lowerish),
        (#"[\r\n]"#, UnicodeClassTable.newline),
    ]

    /// Every scalar value, in order, as UTF-8, with the offset of each.
    static let allScalars: (bytes: [UInt8], scalars: [UInt32], offsets: [Int]) = {
        var bytes: [UInt8] = []
        var scalars: [UInt32] = []
        var offsets: [Int] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            scalars.append(value)
            offsets.append(bytes.count)
            bytes.append(contentsOf: String(Character(scalar)).utf8)
        }
        return (bytes, scalars, offsets)
    }()

    /// The scalar values `regex` (one character class) matches under PCRE2.
    static func pcre2Members(_ regex: String) throws -> Set<UInt32> {
        let (bytes, scalars, offsets) = allScalars
        let matcher = PatternMatcher(try CompiledPattern("(?:" + regex + ")+", engine: .pcre2))
        var members = Set<UInt32>()
        for word in try split(bytes, matcher: matcher) {
            // Runs of members: every scalar that starts inside the run.
            var index = offsets.partitionIndex(before: word.startIndex)
            while index < offsets.count && offsets[index] < word.endIndex {
                members.insert(scalars[index])
                index += 1
            }
        }
        return members
    }

    /// Scalars whose classes PCRE2 (Unicode 14 here) and the table (Unicode 16) disagree on.
    static let disagreements: Set<UInt32> = {
        var different = Set<UInt32>()
        let table = UnicodeClassTable.shared
        for (regex, bit) in classPatterns {
            let members = try! pcre2Members(regex)
            for scalar in allScalars.scalars where members.contains(scalar) != (table.classes(of: scalar) & bit != 0) {
                different.insert(scalar)
            }
        }
        return different
    }()

    @Test func classesDifferFromPCRE2OnlyOnCharactersNewerThanItsTables() throws {
        // PCRE2's unassigned code points (`\p{Cn}`), where Unicode 15.0 and 16.0 added characters.
        let unassigned = try Self.pcre2Members(#"\p{Cn}"#)
        let elsewhere = Self.disagreements.subtracting(unassigned)
        // Two old characters where PCRE2's `\s` is not White_Space: U+0085 (NEL) is White_Space,
        // so `\s` for tiktoken, and not for PCRE2; U+180E (MONGOLIAN VOWEL SEPARATOR) stopped
        // being a space in Unicode 6.3, and PCRE2 still lists it as one.
        #expect(elsewhere.subtracting([0x85, 0x180E]).isEmpty, "\(elsewhere.sorted().prefix(20).map { String($0, radix: 16) })")
        #expect(Self.disagreements.contains(0x1C89), "U+1C89 (Unicode 16) should be a letter here and unknown to PCRE2")
        // Unicode 15.0–16.0 added about 5,200 characters (CJK Extension I alone is 622, H 4,192).
        #expect(Self.disagreements.count > 1000 && Self.disagreements.count < 20000, "\(Self.disagreements.count)")
    }

    @Test func presetsUseTheirScannerAndOtherPatternsPCRE2() throws {
        for preset in SplitPattern.allCases {
            // By name (resolved to the regex) and by the regex's exact text alike.
            #expect(try CompiledPattern(SplitPattern.resolve(preset.name)).scanner?.preset == preset)
            #expect(try CompiledPattern(preset.regex, engine: .pcre2).scanner == nil)
            #expect(try CompiledPattern(preset.regex + "|x").scanner == nil)
        }
        #expect(try CompiledPattern(#"\w+|\s"#).scanner == nil)
    }

    @Test func tableHasTiktokensClassesForNewCharacters() {
        let table = UnicodeClassTable.shared
        let letter = UnicodeClassTable.letter, number = UnicodeClassTable.number
        #expect(table.classes(of: 0x1C89) & letter != 0)   // CYRILLIC CAPITAL LETTER TJE (16.0)
        #expect(table.classes(of: 0x31350) & letter != 0)  // CJK Extension H (15.0)
        #expect(table.classes(of: 0x11F50) & number != 0)  // KAWI DIGIT ZERO (15.0)
        #expect(table.classes(of: 0x16D70) & number != 0)  // KIRAT RAI DIGIT ZERO (16.0)
        #expect(table.classes(of: 0x85) & UnicodeClassTable.space != 0)
        #expect(table.classes(of: 0x0378) == 0)            // unassigned
    }

    @Test(arguments: SplitPattern.allCases)
    func newLettersJoinWords(_ preset: SplitPattern) throws {
        // The issue's example: tiktoken's `\p{L}+` takes x and U+1C89 (capital TJE, Unicode 16)
        // as one word; o200k starts a word at a capital after a small letter, as for "xA".
        #expect(try split("x\u{1C89}", preset.name) == (preset == .o200k ? ["x", "\u{1C89}"] : ["x\u{1C89}"]))
        #expect(try split("x\u{1C8A}", preset.name) == ["x\u{1C8A}"])  // small tje
        #expect(try split("x\u{1C8A}", preset.name, engine: .pcre2).count == 2)
        // Kawi digits (15.0) group as numbers.
        let kawi = String(decoding: [0xF0, 0x91, 0xBD, 0x91], as: UTF8.self)  // U+11F51
        let digits = try split(String(repeating: kawi, count: 4), preset.name)
        #expect(digits.count == (preset == .gpt2 ? 1 : 2))
    }

    /// Characters the differential texts draw on, by kind, all with the same classes for PCRE2
    /// and the table.
    static let fragments: [[String]] = [
        ["a", "b", "e", "s", "t", "x", "Z", "Q", "é", "ß", "ǅ", "ʰ", "ª", "Ω", "ж", "Ж", "中", "文", "ا", "ה", "ก", "ㄱ", "ア", "𝔘", "İ", "ı", "ŉ", "ſ", "K", "Å", "ﬁ"],
        ["0", "7", "9", "١", "٢", "०", "৩", "๑", "߀", "½", "²", "Ⅻ", "〇", "𝟙", "𐒠", "①"],
        [" ", " ", " ", "\t", "\n", "\r", "\r\n", "\u{0B}", "\u{0C}", "\u{A0}", "\u{3000}", "\u{2028}", "\u{2029}", "\u{1680}", "\u{2009}", "\u{202F}", "\u{205F}"],
        ["\u{301}", "\u{308}", "\u{20DD}", "\u{903}", "\u{488}", "\u{FE0F}", "\u{200D}", "\u{200B}", "\u{2060}", "\u{E0001}"],
        ["!", "?", ".", ",", "'", "\"", "/", "//", "-", "_", "(", ")", "#", "@", "\\", "$", "€", "—", "…", "«", "™", "©", "\u{7F}", "\u{0}", "\u{1}", "\u{E000}"],
        ["😀", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "🙂", "𓀀"],
        ["'s", "'S", "'t", "'T", "'d", "'D", "'m", "'M", "'ll", "'LL", "'lL", "'Ll", "'ve", "'VE", "'vE", "'re", "'RE", "'Re", "'ſ", "'ſt", "'K", "'x", "''", "'", "'l", "'v", "'r", "'\u{301}"],
    ]

    /// A random text of `count` fragments: single characters of every kind, contractions in
    /// every case, words, and now and then a long run of one fragment.
    static func differentialText(_ generator: inout CorpusGenerator, count: Int) -> String {
        var text = ""
        for _ in 0..<count {
            let roll = generator.next() % 100
            if roll < 3 {
                let kind = fragments[Int(generator.next() % UInt64(fragments.count))]
                let run = Int(generator.next() % 300) + 2
                text += String(repeating: kind[Int(generator.next() % UInt64(kind.count))], count: run)
            } else if roll < 8 {
                // Any scalar both engines classify alike: Unicode 14 is what PCRE2 knows.
                while true {
                    let value = UInt32(generator.next() % 0x110000)
                    if let scalar = Unicode.Scalar(value), !disagreements.contains(value) {
                        text.unicodeScalars.append(scalar)
                        break
                    }
                }
            } else if roll < 30 {
                text += [" the", " The", " THE", "Hello", " world", "don't", " It'S", "HTTPServer", "iPhone", " \u{301}a", "\u{301}"][Int(generator.next() % 11)]
            } else {
                let kind = fragments[Int(generator.next() % UInt64(fragments.count))]
                text += kind[Int(generator.next() % UInt64(kind.count))]
            }
        }
        return text
    }

    @Test(arguments: SplitPattern.allCases)
    func scannerEqualsPCRE2OnUnicode14Text(_ preset: SplitPattern) throws {
        let scanner = PatternMatcher(try CompiledPattern(preset.regex))
        let pcre2 = PatternMatcher(try CompiledPattern(preset.regex, engine: .pcre2))
        #expect(scanner.pattern.scanner != nil && pcre2.pattern.scanner == nil)
        var generator = CorpusGenerator(seed: 0x5CA7 &+ UInt64(preset.name.utf8.count))
        for round in 0..<400 {
            let text = Array(Self.differentialText(&generator, count: 1 + round % 60).utf8)
            let expected = try split(text, matcher: pcre2)
            let actual = try split(text, matcher: scanner)
            if actual != expected {
                let first = Array(zip(actual, expected)).firstIndex { $0.0 != $0.1 } ?? min(actual.count, expected.count)
                Issue.record("""
                    \(preset) round \(round): words differ at \(first): \
                    scanner \(actual.dropFirst(first).prefix(3).map { String(decoding: $0, as: UTF8.self).debugDescription }) \
                    PCRE2 \(expected.dropFirst(first).prefix(3).map { String(decoding: $0, as: UTF8.self).debugDescription }) \
                    in \(String(decoding: text, as: UTF8.self).debugDescription)
                    """)
                return
            }
        }
    }

    @Test(arguments: SplitPattern.allCases)
    func everyPairOfCharacterKindsSplitsAsPCRE2(_ preset: SplitPattern) throws {
        // Exhaustive over short sequences: every fragment, then every pair and triple of
        // representative fragments, each alone in a piece (the end of text is part of the rule).
        let scanner = PatternMatcher(try CompiledPattern(preset.regex))
        let pcre2 = PatternMatcher(try CompiledPattern(preset.regex, engine: .pcre2))
        let pieces = Self.fragments.flatMap { $0 }
        let representatives = ["a", "Z", "ǅ", "ʰ", "中", "7", "١", " ", "  ", "\t", "\n", "\r", "\u{A0}", "\u{301}", "!", "'", "/", "😀", "'s", "'LL", "ſ", "'ſ"]
        var texts = pieces
        for first in representatives {
            for second in representatives {
                texts.append(first + second)
                for third in representatives { texts.append(first + second + third) }
            }
        }
        for text in texts {
            let bytes = Array(text.utf8)
            #expect(try split(bytes, matcher: scanner) == split(bytes, matcher: pcre2), "\(preset): \(text.debugDescription)")
        }
    }

    @Test(arguments: SplitPattern.allCases)
    func batchScanIsAPrefixOfTheWordsAtEveryLimit(_ preset: SplitPattern) throws {
        // `scan` (the cursors' read-ahead, with its fast paths) from every word start and at
        // every limit: the next words exactly, stopping only at an unresolved word or the end.
        let scanner = try #require(try CompiledPattern(preset.regex).scanner)
        var generator = CorpusGenerator(seed: 99)
        let ends = UnsafeMutablePointer<Int>.allocate(capacity: 8)
        defer { ends.deallocate() }
        for round in 0..<60 {
            let text = Array(Self.differentialText(&generator, count: 1 + round % 25).utf8)
            let words = try split(text, matcher: PatternMatcher(try CompiledPattern(preset.regex, engine: .pcre2)))
                .map { $0.startIndex..<$0.endIndex }
            let hasNew = text.withUnsafeBufferPointer { buffer in
                String(decoding: buffer, as: UTF8.self).unicodeScalars.contains { Self.disagreements.contains($0.value) }
            }
            if hasNew { continue }
            text.withUnsafeBufferPointer { buffer in
                for (index, word) in words.enumerated() {
                    for limit in word.lowerBound...text.count where limit == text.count || text[limit] & 0xC0 != 0x80 {
                        let found = scanner.scan(in: buffer, from: word.lowerBound, limit: limit, into: ends, capacity: 8)
                        let expected = words[index...].prefix(found).map(\.upperBound)
                        #expect(Array(UnsafeBufferPointer(start: ends, count: found)) == expected, "\(preset) limit \(limit)")
                        if found < 8, index + found < words.count {
                            let next = words[index + found]
                            #expect(scanner.match(in: buffer, from: next.lowerBound, limit: limit) == .unresolved,
                                    "\(preset): scan stopped before a word it could resolve, limit \(limit)")
                        }
                    }
                }
            }
        }
    }

    @Test(arguments: SplitPattern.allCases)
    func boundedMatchIsExactOrUnresolved(_ preset: SplitPattern) throws {
        // At every word start and every limit: either the word on the whole text or
        // `.unresolved`, and once resolved, resolved at every larger limit.
        let scanner = try #require(try CompiledPattern(preset.regex).scanner)
        var generator = CorpusGenerator(seed: 77)
        for round in 0..<60 {
            let text = Array(Self.differentialText(&generator, count: 1 + round % 25).utf8)
            try text.withUnsafeBufferPointer { buffer in
                var cursor = WordCursor(subject: buffer, start: 0)
                let matcher = PatternMatcher(try CompiledPattern(preset.regex))
                while let word = try cursor.nextWord(matcher) {
                    var resolvedAt: Int?
                    for limit in word.lowerBound...text.count where limit == text.count || text[limit] & 0xC0 != 0x80 {
                        switch scanner.match(in: buffer, from: word.lowerBound, limit: limit) {
                        case let .match(found):
                            #expect(found == word, "\(preset) limit \(limit)")
                            resolvedAt = resolvedAt ?? limit
                        case .unresolved:
                            #expect(resolvedAt == nil, "\(preset): resolved at \(resolvedAt ?? -1), unresolved again at \(limit)")
                        case .noMatch:
                            Issue.record("\(preset): no match inside the text")
                        }
                    }
                    // Unbounded, every word is found. Words that do not start with whitespace are
                    // known once a few bytes after them are readable (a whitespace word may need
                    // its whole run: `\s*[\r\n]` looks for the run's last newline).
                    #expect(resolvedAt != nil)
                    if buffer[word.lowerBound] & 0x80 == 0, UnicodeClassTable.shared.classes(of: UInt32(buffer[word.lowerBound])) & UnicodeClassTable.space == 0 {
                        #expect(resolvedAt! <= min(text.count, word.upperBound + 8), "\(preset): \(String(decoding: buffer[word], as: UTF8.self).debugDescription)")
                    }
                }
            }
        }
    }
}

extension Array where Element == Int {
    /// The index of the last element not above `value` (the array is sorted and starts at 0).
    func partitionIndex(before value: Int) -> Int {
        var low = 0, high = count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if self[middle] <= value { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
