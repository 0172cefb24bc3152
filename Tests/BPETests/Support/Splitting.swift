@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// The words `pattern` (a preset name or regex) splits `text` into, in order.
func split(_ text: String, _ pattern: String) throws -> [String] {
    let matcher = PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern)))
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBufferPointer { buffer in
        var cursor = WordCursor(subject: buffer, start: 0)
        var words: [String] = []
        while let word = try cursor.nextWord(matcher) {
            words.append(String(decoding: buffer[word], as: UTF8.self))
        }
        return words
    }
}
