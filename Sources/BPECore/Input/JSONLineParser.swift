/// Reads one JSON Lines line (RFC 8259 object) and returns the string value of one field,
/// decoded to UTF-8; every other value is checked and skipped. As Python's `json.loads`: the
/// last of duplicate keys wins, raw control characters in strings are errors, and surrogate
/// escapes must pair (a lone one is an error, or U+FFFD when `replaceLoneSurrogates`).
///
/// The line must already be valid UTF-8; the parser works on bytes.
/// - Complexity: O(line length); nesting depth is bounded (`maximumDepth`), so no input
///   recurses without limit.
package struct JSONLineParser {
    package struct Failure: Error {
        /// Offset in the line.
        var offset: Int
        var reason: String
    }

    static let maximumDepth = 512

    private let line: UnsafeBufferPointer<UInt8>
    private var i = 0
    private let replaceLoneSurrogates: Bool

    package init(_ line: UnsafeBufferPointer<UInt8>, replaceLoneSurrogates: Bool) {
        self.line = line
        self.replaceLoneSurrogates = replaceLoneSurrogates
    }

    /// Whether the line is empty or white space only (skipped, as blank lines are).
    static func isBlank(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
    }

    /// The text of `field` in the line's object.
    mutating func text(of field: [UInt8]) throws(Failure) -> [UInt8] {
        skipSpace()
        guard peek() == UInt8(ascii: "{") else { throw fail("expected a JSON object ('{')") }
        i += 1
        var found: [UInt8]? = nil
        var foundNonString: String? = nil
        skipSpace()
        if peek() == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a field name in double quotes") }
                let key = try string()
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a field name") }
                i += 1
                skipSpace()
                if key == field {
                    if peek() == UInt8(ascii: "\"") {
                        found = try string()
                        foundNonString = nil
                    } else {
                        let start = i
                        try skipValue(depth: 1)
                        found = nil
                        foundNonString = Self.kind(of: line[start])
                    }
                } else {
                    try skipValue(depth: 1)
                }
                skipSpace()
                if peek() == UInt8(ascii: ",") { i += 1; continue }
                if peek() == UInt8(ascii: "}") { i += 1; break }
                throw fail("expected ',' or '}' in the object")
            }
        }
        skipSpace()
        if i < line.count { throw fail("unexpected text after the object") }
        if let foundNonString {
            throw Failure(offset: 0, reason: "field '\(String(decoding: field, as: UTF8.self))' is \(foundNonString), not a string")
        }
        guard let found else {
            throw Failure(offset: 0, reason: "the object has no field '\(String(decoding: field, as: UTF8.self))'")
        }
        return found
    }

    private static func kind(of byte: UInt8) -> String {
        switch byte {
        case UInt8(ascii: "{"): return "an object"
        case UInt8(ascii: "["): return "an array"
        case UInt8(ascii: "n"): return "null"
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return "a boolean"
        default: return "a number"
        }
    }

    private func peek() -> UInt8? { i < line.count ? line[i] : nil }

    /// Where the parser is, and the text's length (for `document()`).
    var position: Int { i }
    var count: Int { line.count }
    mutating func skipSpaceForValue() { skipSpace() }

    /// One value of any kind (see `document()`).
    mutating func value(depth: Int) throws(Failure) -> Any {
        guard depth <= Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth) levels") }
        skipSpace()
        guard let byte = peek() else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            return String(decoding: try string(), as: UTF8.self)
        case UInt8(ascii: "{"):
            i += 1
            var object: [String: Any] = [:]
            skipSpace()
            if peek() == UInt8(ascii: "}") { i += 1; return object }
            while true {
                skipSpace()
                guard peek() == UInt8(ascii: "\"") else { throw fail("expected a field name in double quotes") }
                let key = String(decoding: try string(), as: UTF8.self)
                skipSpace()
                guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a field name") }
                i += 1
                object[key] = try value(depth: depth + 1)
                skipSpace()
                if peek() == UInt8(ascii: ",") { i += 1; continue }
                if peek() == UInt8(ascii: "}") { i += 1; return object }
                throw fail("expected ',' or '}' in the object")
            }
        case UInt8(ascii: "["):
            i += 1
            var array: [Any] = []
            skipSpace()
            if peek() == UInt8(ascii: "]") { i += 1; return array }
            while true {
                array.append(try value(depth: depth + 1))
                skipSpace()
                if peek() == UInt8(ascii: ",") { i += 1; continue }
                if peek() == UInt8(ascii: "]") { i += 1; return array }
                throw fail("expected ',' or ']' in the array")
            }
        case UInt8(ascii: "t"): try literal("true"); return true
        case UInt8(ascii: "f"): try literal("false"); return false
        case UInt8(ascii: "n"): try literal("null"); return JSONNull()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = i
            try number()
            let text = String(decoding: UnsafeBufferPointer(rebasing: line[start..<i]), as: UTF8.self)
            if let integer = Int(text) { return integer }
            guard let real = Double(text) else { throw Failure(offset: start, reason: "a number out of range") }
            return real
        default:
            throw fail("expected a value")
        }
    }

    private func fail(_ reason: String) -> Failure {
        Failure(offset: i, reason: i < line.count ? reason : reason + " (the line ends first)")
    }

    private mutating func skipSpace() {
        while i < line.count, line[i] == 0x20 || line[i] == 0x09 || line[i] == 0x0D || line[i] == 0x0A { i += 1 }
    }

    private mutating func skipValue(depth: Int) throws(Failure) {
        guard depth <= Self.maximumDepth else { throw fail("nested deeper than \(Self.maximumDepth) levels") }
        guard let byte = peek() else { throw fail("expected a value") }
        switch byte {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = byte == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1
            skipSpace()
            if peek() == close { i += 1; return }
            while true {
                skipSpace()
                if close == UInt8(ascii: "}") {
                    guard peek() == UInt8(ascii: "\"") else { throw fail("expected a field name in double quotes") }
                    _ = try string()
                    skipSpace()
                    guard peek() == UInt8(ascii: ":") else { throw fail("expected ':' after a field name") }
                    i += 1
                    skipSpace()
                }
                try skipValue(depth: depth + 1)
                skipSpace()
                if peek() == UInt8(ascii: ",") { i += 1; continue }
                if peek() == close { i += 1; return }
                throw fail("expected ',' or '\(Character(Unicode.Scalar(close)))'")
            }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try number()
        default:
            throw fail("expected a value")
        }
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let bytes = Array(word.utf8)
        guard i + bytes.count <= line.count else { throw fail("expected \(word)") }
        for k in 0..<bytes.count where line[i + k] != bytes[k] { throw fail("expected \(word)") }
        i += bytes.count
    }

    private mutating func number() throws(Failure) {
        if peek() == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let start = i
            while let byte = peek(), byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        guard digits() > 0 else { throw fail("expected digits") }
        if peek() == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { throw fail("expected digits after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            i += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw fail("expected digits in the exponent") }
        }
    }

    /// A mask with the high bit set in the lowest byte of `word` (little-endian) that is `"`,
    /// `\\` or a control character (< 0x20), the bytes that end a plain run of a string; zero if
    /// there is none. Bits above the lowest flagged byte may be false positives (a borrow);
    /// the lowest one is exact.
    @inline(__always)
    static func stopMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ v: UInt64) -> UInt64 { (v &- ones) & ~v & highs }
        let below20 = (word &- ones &* 0x20) & ~word & highs
        return below20 | hasZero(word ^ (ones &* 0x22)) | hasZero(word ^ (ones &* 0x5C))
    }

    /// A string starting at `"`, unescaped to UTF-8. Plain runs are skipped 8 bytes at a time
    /// and copied whole; the bytes go straight into the result's storage.
    private mutating func string() throws(Failure) -> [UInt8] {
        i += 1
        // Unescaping never lengthens: the rest of the line bounds the string.
        var failure: Failure? = nil
        let result = [UInt8](unsafeUninitializedCapacity: max(1, line.count - i)) { buffer, count in
            do throws(Failure) {
                count = try unescape(into: buffer.baseAddress!)
            } catch {
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return result
    }

    /// Writes the string's bytes to `out` (room for the rest of the line) up to its closing
    /// quote, which it passes; returns how many it wrote.
    private mutating func unescape(into out: UnsafeMutablePointer<UInt8>) throws(Failure) -> Int {
        var written = 0
        var runStart = i
        let start = line.baseAddress!
        let base = UnsafeRawPointer(start)
        func copyRun(upTo end: Int) {
            if runStart < end {
                (out + written).update(from: start + runStart, count: end - runStart)
                written += end - runStart
            }
        }
        while true {
            while i + 8 <= line.count {
                let mask = Self.stopMask(base.loadUnaligned(fromByteOffset: i, as: UInt64.self))
                if mask != 0 {
                    i += mask.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            guard i < line.count else { throw Failure(offset: i, reason: "a string is not closed (the line ends first)") }
            let byte = line[i]
            if byte == UInt8(ascii: "\"") {
                copyRun(upTo: i)
                i += 1
                return written
            }
            if byte < 0x20 { throw fail("a raw control character (0x\(String(byte, radix: 16))) in a string; escape it") }
            if byte != UInt8(ascii: "\\") { i += 1; continue }
            copyRun(upTo: i)
            let escapeStart = i
            i += 1
            guard let code = peek() else { throw fail("an escape is cut off") }
            i += 1
            var single: UInt8? = nil
            switch code {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): single = code
            case UInt8(ascii: "b"): single = 0x08
            case UInt8(ascii: "f"): single = 0x0C
            case UInt8(ascii: "n"): single = 0x0A
            case UInt8(ascii: "r"): single = 0x0D
            case UInt8(ascii: "t"): single = 0x09
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    // A high surrogate must be followed by an escaped low one.
                    if i + 6 <= line.count, line[i] == UInt8(ascii: "\\"), line[i + 1] == UInt8(ascii: "u") {
                        let saved = i
                        i += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = saved
                            scalar = try loneSurrogate(at: escapeStart)
                        }
                    } else {
                        scalar = try loneSurrogate(at: escapeStart)
                    }
                } else if (0xDC00..<0xE000).contains(scalar) {
                    scalar = try loneSurrogate(at: escapeStart)
                }
                written += Self.writeUTF8(scalar, to: out + written)
            default:
                throw Failure(offset: escapeStart, reason: "an unknown escape '\\\(Character(Unicode.Scalar(code)))'")
            }
            if let single {
                out[written] = single
                written += 1
            }
            runStart = i
        }
    }

    /// Writes the UTF-8 encoding of a scalar value (never a surrogate here); returns its length.
    /// An escape is 6 bytes (12 for a pair) and its encoding at most 3 (4), so it fits.
    @inline(__always)
    static func writeUTF8(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            out[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            out[0] = UInt8(0xC0 | scalar >> 6)
            out[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            out[0] = UInt8(0xE0 | scalar >> 12)
            out[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            out[0] = UInt8(0xF0 | scalar >> 18)
            out[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= line.count else { throw fail("a \\u escape needs four hex digits") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = line[i]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw fail("a \\u escape needs four hex digits")
            }
            value = value << 4 | digit
            i += 1
        }
        return value
    }

    private func loneSurrogate(at offset: Int) throws(Failure) -> UInt32 {
        if replaceLoneSurrogates { return 0xFFFD }
        throw Failure(offset: offset, reason: "a lone surrogate escape, which is not text (fix the file, or replace it with U+FFFD: --invalid-utf8 replace)")
    }
}
