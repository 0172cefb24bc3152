@_spi(Plumbing) @testable import BPECore
@testable import BPEEncoding
@testable import BPEFormats
@testable import BPETraining

/// SPEC §4 read literally, for the property tests: every step recounts every pair of every
/// word and takes `max(counts, key=(count, bytes(a), bytes(b)))`. Slow on purpose; shares no
/// code with `MergeTrainer`.
enum ReferenceTrainer {
    static func train(
        words: [[UInt8]: Int], mergeCount: Int, minFrequency: Int = 2, maxTokenLength: Int? = nil,
        tieBreak: TieBreak = .greatestBytes, base: [Merge] = []
    ) -> [Merge] {
        var vocabulary: [[UInt8]] = (0..<256).map { [UInt8($0)] }
        var known = Set(vocabulary)
        var corpus: [(tokens: [Int], count: Int)] = words.map { (word, count) in (word.map(Int.init), count) }
        var merges: [Merge] = []
        // Extending: the base merges first, each applied to every word in rank order.
        for merge in base {
            let merged = vocabulary[Int(merge.left)] + vocabulary[Int(merge.right)]
            vocabulary.append(merged)
            known.insert(merged)
            merges.append(merge)
            for index in corpus.indices {
                corpus[index].tokens = replace(merge, by: vocabulary.count - 1, in: corpus[index].tokens)
            }
        }
        while merges.count < mergeCount {
            var counts: [Merge: Int] = [:]
            for (tokens, count) in corpus where tokens.count >= 2 {
                for i in 0..<(tokens.count - 1) {
                    counts[Merge(TokenID(tokens[i]), TokenID(tokens[i + 1])), default: 0] += count
                }
            }
            var best: (merge: Merge, count: Int)? = nil
            for (pair, count) in counts {
                let merged = vocabulary[Int(pair.left)] + vocabulary[Int(pair.right)]
                if let limit = maxTokenLength, merged.count > limit { continue }
                if known.contains(merged) { continue }
                if let current = best {
                    let wins: Bool
                    switch tieBreak {
                    case .greatestBytes:
                        wins = isGreater(
                            (count, vocabulary[Int(pair.left)], vocabulary[Int(pair.right)]),
                            than: (current.count, vocabulary[Int(current.merge.left)], vocabulary[Int(current.merge.right)]))
                    case .smallestIDs:
                        // rustbpe: the highest count, then the smallest (left id, right id).
                        wins = count != current.count
                            ? count > current.count
                            : (pair.left, pair.right) < (current.merge.left, current.merge.right)
                    }
                    if !wins { continue }
                }
                best = (pair, count)
            }
            guard let chosen = best, chosen.count >= max(1, minFrequency) else { break }
            let newID = vocabulary.count
            let merged = vocabulary[Int(chosen.merge.left)] + vocabulary[Int(chosen.merge.right)]
            vocabulary.append(merged)
            known.insert(merged)
            merges.append(chosen.merge)
            for index in corpus.indices {
                corpus[index].tokens = replace(chosen.merge, by: newID, in: corpus[index].tokens)
            }
        }
        return merges
    }

    /// `(count, bytes(a), bytes(b))` compared as Python compares the tuples.
    static func isGreater(_ x: (Int, [UInt8], [UInt8]), than y: (Int, [UInt8], [UInt8])) -> Bool {
        if x.0 != y.0 { return x.0 > y.0 }
        if x.1 != y.1 { return y.1.lexicographicallyPrecedes(x.1) }
        return y.2.lexicographicallyPrecedes(x.2)
    }

    /// Left to right, non-overlapping.
    static func replace(_ pair: Merge, by id: Int, in tokens: [Int]) -> [Int] {
        var out: [Int] = []
        var i = 0
        while i < tokens.count {
            if i + 1 < tokens.count && tokens[i] == pair.left && tokens[i + 1] == pair.right {
                out.append(id)
                i += 2
            } else {
                out.append(tokens[i])
                i += 1
            }
        }
        return out
    }

    /// Words of `text` by the naive route: split at special tokens with a plain scan (leftmost,
    /// longest at a position), then run the pattern over each whole piece from its start.
    static func words(of text: [UInt8], specialTokens: [String], pattern: String) throws -> [[UInt8]: Int] {
        let tokens = specialTokens.map { Array($0.utf8) }
        var pieces: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < text.count {
            var longest = 0
            for token in tokens where token.count > longest && i + token.count <= text.count {
                if Array(text[i..<(i + token.count)]) == token { longest = token.count }
            }
            if longest > 0 {
                pieces.append(current)
                current = []
                i += longest
            } else {
                current.append(text[i])
                i += 1
            }
        }
        pieces.append(current)
        let matcher = PatternMatcher(try CompiledPattern(pattern))
        var counts: [[UInt8]: Int] = [:]
        for piece in pieces where !piece.isEmpty {
            try piece.withUnsafeBufferPointer { buffer in
                var cursor = WordCursor(subject: buffer, start: 0)
                while let word = try cursor.nextWord(matcher) {
                    if !word.isEmpty { counts[Array(buffer[word]), default: 0] += 1 }
                }
            }
        }
        return counts
    }
}
