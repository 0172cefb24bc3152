@_spi(Plumbing) import BPECore

/// minbpe's files: `PREFIX.model` (what `RegexTokenizer.load` reads, and what `bpe` reads
/// back) and the human-readable `PREFIX.vocab`, byte for byte as minbpe's `save` writes them.
package enum MinbpeFormat {
    /// `minbpe v1`, the pattern, the special tokens with their ids, then one `ID1 ID2` per merge.
    package static func model(_ vocabulary: TrainedVocabulary, pattern: String) -> [UInt8] {
        var text = "minbpe v1\n\(pattern)\n\(vocabulary.specialTokens.count)\n"
        for (index, special) in vocabulary.specialTokens.enumerated() {
            text += "\(special) \(vocabulary.specialTokenID(index))\n"
        }
        for merge in vocabulary.merges {
            text += "\(merge.left) \(merge.right)\n"
        }
        return Array(text.utf8)
    }

    /// One line per id, special tokens included: `[LEFT][RIGHT] -> [TOKEN] ID` for a merged
    /// token, `[TOKEN] ID` otherwise.
    package static func vocab(_ vocabulary: TrainedVocabulary) -> [UInt8] {
        var text = ""
        for id in 0..<256 {
            text += "[\(TokenRendering.render(vocabulary.tokens[id]))] \(id)\n"
        }
        for (index, merge) in vocabulary.merges.enumerated() {
            let id = 256 + index
            let left = TokenRendering.render(vocabulary.tokens[Int(merge.left)])
            let right = TokenRendering.render(vocabulary.tokens[Int(merge.right)])
            text += "[\(left)][\(right)] -> [\(TokenRendering.render(vocabulary.tokens[id]))] \(id)\n"
        }
        for (index, special) in vocabulary.specialTokens.enumerated() {
            text += "[\(TokenRendering.render(Array(special.utf8)))] \(vocabulary.specialTokenID(index))\n"
        }
        return Array(text.utf8)
    }

    /// Reads a `.model`: `minbpe v1`, the pattern, the number of special tokens, `TOKEN ID`
    /// lines, then `LEFT RIGHT` per merge; merge k makes id 256 + k.
    /// - Complexity: O(file bytes + total bytes of the tokens).
    package static func readModel(_ path: String) throws(FormatError) -> VocabularyFile {
        try parseModel(VocabularyFile.text(of: path), path: path)
    }

    /// `readModel` of text already in memory; `path` names it in errors.
    package static func parseModel(_ text: String, path: String) throws(FormatError) -> VocabularyFile {
        // Lines may end in CRLF (minbpe reads them so); a pattern never holds a line break.
        // (Swift reads CRLF as one character, so both are separators.)
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        func fail(_ line: Int, _ reason: String) -> FormatError {
            .cannotLoad(path: path, reason: "line \(line + 1): \(reason)")
        }
        guard lines[0] == "minbpe v1" else { throw fail(0, "expected 'minbpe v1'") }
        guard lines.count >= 3 else {
            throw .cannotLoad(path: path, reason: "the file ends at line \(lines.count), before the number of special tokens")
        }
        let pattern = String(lines[1])
        guard let specialCount = Int(lines[2]), specialCount >= 0 else {
            throw fail(2, "expected the number of special tokens")
        }
        guard lines.count >= 3 + specialCount else {
            throw .cannotLoad(path: path, reason: "the file ends at line \(lines.count), inside its \(specialCount) special tokens")
        }
        var specials: [(token: String, id: TokenID)] = []
        for index in 3..<(3 + specialCount) {
            let line = lines[index]
            guard let space = line.lastIndex(of: " "), let id = Int(line[line.index(after: space)...]) else {
                throw fail(index, "expected 'TOKEN ID'")
            }
            specials.append((String(line[..<space]), try VocabularyFile.id(id, path: path, line: index + 1)))
        }
        var tokens: [(bytes: [UInt8], id: TokenID)] = (0..<256).map { ([UInt8($0)], TokenID($0)) }
        for index in (3 + specialCount)..<lines.count where !lines[index].isEmpty {
            let fields = lines[index].split(separator: " ")
            guard fields.count == 2, let left = Int(fields[0]), let right = Int(fields[1]),
                  left >= 0, right >= 0, left < tokens.count, right < tokens.count else {
                throw fail(index, "expected two ids of earlier tokens")
            }
            tokens.append((tokens[left].bytes + tokens[right].bytes, TokenID(tokens.count)))
        }
        return VocabularyFile(pattern: pattern, tokens: tokens, specialTokens: specials)
    }
}
