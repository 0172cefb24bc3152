/// Deterministic generated corpora for the property tests (SplitMix64, seeded).
struct CorpusGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// The kinds of text the property tests cover.
    enum Kind: String, CaseIterable {
        case randomScalars, repeatedWords, longRuns, whitespaceMix, multilingual, specialGlued, code
    }

    static let specialTokens = ["<|endoftext|>", "<|end|>", "<|pad|>"]

    /// About `size` bytes of each of the kinds whose words are hardest to cut (runs, whitespace
    /// that looks ahead across a cut, code, many scripts), one after the other, as bytes.
    mutating func cuttingText(size: Int) -> [UInt8] {
        var text: [UInt8] = []
        for kind in [Kind.longRuns, .whitespaceMix, .code, .multilingual] { text += Array(self.text(kind, size: size).utf8) }
        return text
    }

    /// About `size` bytes of text of the given kind.
    mutating func text(_ kind: Kind, size: Int) -> String {
        var out = ""
        while out.utf8.count < size {
            switch kind {
            case .randomScalars: out += randomScalarRun()
            case .repeatedWords: out += pick(["the", " the", " cat", " sat", " on", " mat", "'s", " and", ".", ",", "\n", "  "])
            case .longRuns:
                let unit = pick(["a", "b", " ", "1", "\n", "é", "ab", "!", "\t", "🙂"])
                out += String(repeating: unit, count: 1 + below(pick([3, 40, 300])))
                out += pick([" ", "", "x", "\n", "9"])
            case .whitespaceMix:
                out += pick([" ", "  ", "\t", "\n", "\r\n", "   \n", " \t ", "\u{A0}", "\u{3000}"])
                out += pick(["word", "x", "42", "?!", "", "Hello", "don't"])
            case .multilingual:
                out += pick([
                    "Le chat est sur le tapis. ", "Der Hund läuft schnell! ", "Кошка спит на окне. ",
                    "猫はマットの上に座った。", "고양이가 매트 위에 앉았다. ", "القطة تجلس على الحصيرة. ",
                    "Η γάτα κάθεται. ", "बिल्ली चटाई पर बैठी। ", "Café naïve coöperate — “quoted” ",
                    "e\u{301}te\u{301} ", "été ", "1234567 ", "😀👍🏽 ", "I'LL WE'VE they're ",
                ])
            case .specialGlued:
                out += pick(Self.specialTokens)
                out += pick(["hello", " world", "<|", "|>", "end", "<|endof", "text|>", "x<|pad|>y", " ", "\n", "don't"])
            case .code:
                out += pick([
                    "func f(x: Int) -> Int {\n", "    return x + 1\n", "}\n", "\tif (a &&b) {\n",
                    "        // comment\n", "x = [1, 22, 333, 4444];\n", "print(\"hi\")\r\n", "    \n",
                ])
            }
        }
        return out
    }

    private mutating func randomScalarRun() -> String {
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x20...0x7E, 0x09...0x0D, 0xA0...0x17F, 0x300...0x36F, 0x391...0x3C9,
            0x400...0x44F, 0x4E00...0x4E80, 0x1F600...0x1F64F, 0x30...0x39, 0x660...0x669, 0x2000...0x200D,
        ]
        var run = ""
        for _ in 0..<(1 + below(8)) {
            let range = pick(ranges)
            let value = range.lowerBound + UInt32(below(Int(range.upperBound - range.lowerBound) + 1))
            if let scalar = Unicode.Scalar(value) { run.unicodeScalars.append(scalar) }
        }
        return run
    }
}
