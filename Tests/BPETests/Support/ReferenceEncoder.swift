@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// tiktoken's encoding, written the slow, obvious way: split at allowed special tokens
/// (leftmost, longest), split each piece with the pattern, then merge each word's parts by
/// lowest concatenation rank, leftmost on a tie, one merge at a time.
enum ReferenceEncoder {
    static func encode(
        _ text: [UInt8], ranks: [[UInt8]: Int], specialTokens: [String: Int], pattern: String
    ) throws -> [Int] {
        let tokens = specialTokens.keys.map { Array($0.utf8) }
        var ids: [Int] = []
        var piece: [UInt8] = []
        let matcher = PatternMatcher(try CompiledPattern(SplitPattern.resolve(pattern)))
        func flush() throws {
            try piece.withUnsafeBufferPointer { buffer in
                var cursor = WordCursor(subject: buffer, start: 0)
                while let word = try cursor.nextWord(matcher) {
                    if !word.isEmpty { ids += bytePairMerge(Array(buffer[word]), ranks: ranks) }
                }
            }
            piece = []
        }
        var i = 0
        while i < text.count {
            var longest: [UInt8] = []
            for token in tokens where token.count > longest.count && i + token.count <= text.count {
                if Array(text[i..<(i + token.count)]) == token { longest = token }
            }
            if longest.isEmpty {
                piece.append(text[i])
                i += 1
            } else {
                try flush()
                ids.append(specialTokens[String(decoding: longest, as: UTF8.self)]!)
                i += longest.count
            }
        }
        try flush()
        return ids
    }

    static func bytePairMerge(_ word: [UInt8], ranks: [[UInt8]: Int]) -> [Int] {
        var parts = word.map { [$0] }
        while parts.count > 1 {
            var best: (rank: Int, index: Int)? = nil
            for index in 0..<(parts.count - 1) {
                if let rank = ranks[parts[index] + parts[index + 1]], rank < best?.rank ?? Int.max {
                    best = (rank, index)
                }
            }
            guard let best else { break }
            parts[best.index] += parts[best.index + 1]
            parts.remove(at: best.index + 1)
        }
        return parts.map { ranks[$0]! }
    }
}
