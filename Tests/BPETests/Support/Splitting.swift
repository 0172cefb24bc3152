@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// The words `pattern` (a preset name or regex) splits `text` into, in order.
func split(_ text: String, _ pattern: String, engine: SplitEngine = .automatic) throws -> [String] {
    try split(Array(text.utf8), pattern, engine: engine).map { String(decoding: $0, as: UTF8.self) }
}

/// The words `pattern` splits `bytes` (valid UTF-8) into, in order.
func split(_ bytes: [UInt8], _ pattern: String, engine: SplitEngine = .automatic) throws -> [ArraySlice<UInt8>] {
    try split(bytes, matcher: PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern), engine: engine)))
}

/// The words `matcher` splits `bytes` (valid UTF-8) into, in order.
func split(_ bytes: [UInt8], matcher: PatternMatcher) throws -> [ArraySlice<UInt8>] {
    return try bytes.withUnsafeBufferPointer { buffer in
        var cursor = WordCursor(subject: buffer, start: 0)
        var words: [ArraySlice<UInt8>] = []
        while let word = try cursor.nextWord(matcher) { words.append(bytes[word]) }
        return words
    }
}
