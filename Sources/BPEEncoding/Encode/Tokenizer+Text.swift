@_spi(Plumbing) import BPECore

extension Tokenizer {
    /// The ids of `text`, on the calling thread, with tiktoken's special-token semantics
    /// (`policy`; by default a special token in the text is an error, as tiktoken's `encode`).
    /// A `String` is valid UTF-8 already and short texts are the common case, so this does
    /// not go through the file pipeline: no copy, no validation pass, no work units.
    /// - Complexity: O(n) expected.
    public func encode(_ text: String, allowedSpecial policy: SpecialTokenPolicy = .disallowAll) throws(EncodeError) -> [TokenID] {
        try policy.check(against: self)
        var text = text
        let result = text.withUTF8 { bytes in
            Result { () throws(EncodeError) in try encode(utf8: bytes, policy: policy) }
        }
        return try result.get()
    }

    /// The ids of `text` with special tokens as plain text: tiktoken's `encode_ordinary`.
    /// Only the split pattern can fail (a PCRE2 limit): no special token is refused.
    /// - Complexity: O(n) expected.
    public func encodeOrdinary(_ text: String) throws(EncodeError) -> [TokenID] {
        try encode(text, allowedSpecial: .ordinary)
    }

    /// Encodes valid UTF-8 `bytes` whole: split at the special tokens the policy scans for,
    /// then each piece word by word.
    private func encode(utf8 bytes: UnsafeBufferPointer<UInt8>, policy: SpecialTokenPolicy) throws(EncodeError) -> [TokenID] {
        let scanned = policy.scans ? specialTokens.map(\.token) : []
        let occurrences = scanned.isEmpty ? [] : SpecialTokenScanner(scanned).occurrences(in: bytes, threads: 1)
        let encoder = UnitEncoder(self, inputBytes: bytes.count)
        var ids: [TokenID] = []
        ids.reserveCapacity(bytes.count / 3 + 4)
        var hits: [SpecialTokenHit] = []
        for occurrence in occurrences {
            let token = scanned[occurrence.token]
            guard policy.allows(token), let id = specialTokenID(token) else {
                throw .disallowedSpecialToken(token: token, path: "<text>", offset: occurrence.range.lowerBound)
            }
            hits.append(SpecialTokenHit(range: occurrence.range, id: id))
        }
        var start = 0
        do throws(PatternError) {
            for hit in hits {
                try encoder.encodePiece(UnsafeBufferPointer(rebasing: bytes[start..<hit.range.lowerBound]), into: &ids)
                ids.append(hit.id)
                start = hit.range.upperBound
            }
            try encoder.encodePiece(UnsafeBufferPointer(rebasing: bytes[start...]), into: &ids)
        } catch {
            throw .pattern(error)
        }
        return ids
    }
}
