/// Which writing system a token belongs to, for the report's "scripts among tokens" chart:
/// by its first letter's code point range (Unicode blocks, so an approximation of the Script
/// property, which Swift's standard library does not expose), else digits, white space,
/// punctuation and symbols, or a partial UTF-8 sequence (a token that cuts a character).
enum TokenScript: String, CaseIterable {
    case latin = "Latin"
    case greek = "Greek"
    case cyrillic = "Cyrillic"
    case armenianGeorgian = "Armenian, Georgian"
    case hebrew = "Hebrew"
    case arabic = "Arabic"
    case indic = "Indic (Devanagari … Sinhala)"
    case thaiLao = "Thai, Lao"
    case hangul = "Hangul"
    case kana = "Hiragana, Katakana"
    case han = "Han"
    case otherLetters = "other letters"
    case digits = "digits"
    case whitespace = "white space"
    case symbols = "punctuation, symbols"
    case partial = "partial UTF-8"

    private static let ranges: [(ClosedRange<UInt32>, TokenScript)] = [
        (0x41...0x5A, .latin), (0x61...0x7A, .latin), (0xC0...0x24F, .latin), (0x1E00...0x1EFF, .latin),
        (0x2C60...0x2C7F, .latin), (0xA720...0xA7FF, .latin), (0xAB30...0xAB6F, .latin), (0xFF21...0xFF5A, .latin),
        (0x370...0x3FF, .greek), (0x1F00...0x1FFF, .greek),
        (0x400...0x52F, .cyrillic), (0x1C80...0x1C8F, .cyrillic), (0x2DE0...0x2DFF, .cyrillic), (0xA640...0xA69F, .cyrillic),
        (0x530...0x58F, .armenianGeorgian), (0x10A0...0x10FF, .armenianGeorgian), (0x1C90...0x1CBF, .armenianGeorgian),
        (0x590...0x5FF, .hebrew),
        (0x600...0x6FF, .arabic), (0x750...0x77F, .arabic), (0x8A0...0x8FF, .arabic), (0xFB50...0xFDFF, .arabic),
        (0xFE70...0xFEFF, .arabic),
        (0x900...0xDFF, .indic),
        (0xE00...0xEFF, .thaiLao),
        (0x1100...0x11FF, .hangul), (0x3130...0x318F, .hangul), (0xAC00...0xD7AF, .hangul),
        (0x3040...0x30FF, .kana), (0x31F0...0x31FF, .kana), (0xFF66...0xFF9F, .kana),
        (0x3400...0x4DBF, .han), (0x4E00...0x9FFF, .han), (0xF900...0xFAFF, .han), (0x20000...0x3FFFF, .han),
    ]

    /// The class of a token's bytes.
    static func of(_ bytes: [UInt8]) -> TokenScript {
        guard let text = String(validating: bytes, as: UTF8.self) else { return .partial }
        var sawDigit = false
        var sawSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.isAlphabetic {
                for (range, script) in ranges where range.contains(scalar.value) { return script }
                return .otherLetters
            }
            if scalar.properties.numericType != nil { sawDigit = true } else if scalar.properties.isWhitespace { sawSpace = true }
        }
        if sawDigit { return .digits }
        if sawSpace && text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) { return .whitespace }
        return .symbols
    }
}
