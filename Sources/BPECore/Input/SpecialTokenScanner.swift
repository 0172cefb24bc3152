import Dispatch
import Glibc

/// One special token found in a text: where, and which (its index in the list the scanner
/// was made with), so that nobody has to read the text again to tell.
package struct SpecialTokenOccurrence: Sendable, Equatable {
    package var range: Range<Int>
    package var token: Int
}

/// Finds the special tokens in a text (SPEC §2): leftmost occurrence first; at one position
/// the longest token wins; the scan resumes after the token found.
package struct SpecialTokenScanner: Sendable {
    /// The tokens' bytes, longest first, so the first hit at a position is the longest.
    private let tokens: [[UInt8]]
    /// For each of `tokens`, its index in the list given to `init`.
    private let tokenIndices: [Int]
    private let startsToken: [Bool]
    /// The first byte of every token, when they all share one (`<` usually): then the scan
    /// jumps from one occurrence of it to the next with `memchr`.
    private let sharedFirstByte: UInt8?
    /// For many tokens, a trie finds the longest one at a position (`nil`: compare each).
    private let trie: SpecialTokenTrie?
    /// From this many tokens on, the trie is used: below it, comparing each token with
    /// `memcmp` is faster (the usual one to three tokens).
    static let trieThreshold = 16

    package init(_ specialTokens: [String]) {
        self.init(specialTokens, trieThreshold: Self.trieThreshold)
    }

    /// A scanner that uses the trie from `trieThreshold` tokens on (tests force both ways).
    init(_ specialTokens: [String], trieThreshold: Int) {
        let ordered = specialTokens.enumerated().map { (index: $0.offset, bytes: Array($0.element.utf8)) }
            .filter { !$0.bytes.isEmpty }.sorted { $0.bytes.count > $1.bytes.count }
        tokens = ordered.map(\.bytes)
        tokenIndices = ordered.map(\.index)
        var starts = [Bool](repeating: false, count: 256)
        for token in tokens { starts[Int(token[0])] = true }
        startsToken = starts
        sharedFirstByte = Set(tokens.map { $0[0] }).count == 1 ? tokens[0][0] : nil
        trie = tokens.count >= trieThreshold ? SpecialTokenTrie(tokens) : nil
    }

    package var isEmpty: Bool { tokens.isEmpty }

    /// The length in bytes of the longest token (0 without tokens).
    package var longestTokenLength: Int { tokens.first?.count ?? 0 }

    /// The special tokens in `text`, in order, never overlapping.
    ///
    /// Candidates (the longest token at each position) are found in parallel chunks; one
    /// serial pass then keeps each candidate that starts after the last one kept, which is
    /// exactly the leftmost-first scan.
    /// - Complexity: O(n · t) work for t tokens in the worst case, O(n) when hits are rare.
    package func occurrences(
        in text: UnsafeBufferPointer<UInt8>, threads: Int,
        afterChunk: (@Sendable (Range<Int>) -> Void)? = nil
    ) -> [SpecialTokenOccurrence] {
        if tokens.isEmpty || text.isEmpty { return [] }
        let chunkSize = 8 << 20
        let chunkCount = (text.count + chunkSize - 1) / chunkSize
        var perChunk = [[SpecialTokenOccurrence]](repeating: [], count: chunkCount)
        if threads <= 1 || chunkCount == 1 {
            for chunk in 0..<chunkCount {
                let range = (chunk * chunkSize)..<min(text.count, (chunk + 1) * chunkSize)
                perChunk[chunk] = candidates(in: text, from: range.lowerBound, to: range.upperBound)
                afterChunk?(range)
            }
        } else {
            perChunk.withUnsafeMutableBufferPointer { results in
                // Each iteration writes its own element; `text` is only read.
                nonisolated(unsafe) let results = results
                nonisolated(unsafe) let text = text
                DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                    let range = (chunk * chunkSize)..<min(text.count, (chunk + 1) * chunkSize)
                    results[chunk] = candidates(in: text, from: range.lowerBound, to: range.upperBound)
                    afterChunk?(range)
                }
            }
        }
        return Self.leftmost(perChunk)
    }

    /// The occurrences among `candidates` (the longest token at each position, chunk after
    /// chunk in text order): each candidate that starts after the last one kept.
    static func leftmost(_ candidates: [[SpecialTokenOccurrence]]) -> [SpecialTokenOccurrence] {
        var accepted: [SpecialTokenOccurrence] = []
        var end = 0
        for chunk in candidates {
            for candidate in chunk where candidate.range.lowerBound >= end {
                accepted.append(candidate)
                end = candidate.range.upperBound
            }
        }
        return accepted
    }

    /// The longest token starting at each position of `start..<end` (it may run past `end`).
    func candidates(in text: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> [SpecialTokenOccurrence] {
        var found: [SpecialTokenOccurrence] = []
        guard let base = text.baseAddress else { return found }
        var i = start
        if let first = sharedFirstByte {
            while i < end, let hit = memchr(base + i, Int32(first), end - i) {
                i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if let token = longestToken(at: i, in: text) { found.append(occurrence(token, at: i)) }
                i += 1
            }
            return found
        }
        while i < end {
            if startsToken[Int(base[i])], let token = longestToken(at: i, in: text) {
                found.append(occurrence(token, at: i))
            }
            i += 1
        }
        return found
    }

    @inline(__always)
    private func occurrence(_ sorted: Int, at position: Int) -> SpecialTokenOccurrence {
        SpecialTokenOccurrence(range: position..<(position + tokens[sorted].count), token: tokenIndices[sorted])
    }

    /// The position in `tokens` of the longest token at `position`, or `nil`.
    @inline(__always)
    private func longestToken(at position: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        if let trie { return trie.longestToken(at: position, in: text) }
        let remaining = text.count - position
        for (index, token) in tokens.enumerated() where token.count <= remaining {
            let equal = token.withUnsafeBufferPointer {
                memcmp($0.baseAddress!, text.baseAddress! + position, token.count) == 0
            }
            if equal { return index }
        }
        return nil
    }
}
