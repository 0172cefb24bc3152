/// minbpe's files: `PREFIX.model` (what `RegexTokenizer.load` reads) and the human-readable
/// `PREFIX.vocab`, byte for byte as minbpe's `save` writes them.
enum MinbpeFormat {
    /// `minbpe v1`, the pattern, the special tokens with their ids, then one `ID1 ID2` per merge.
    static func model(_ vocabulary: TrainedVocabulary, pattern: String) -> [UInt8] {
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
    static func vocab(_ vocabulary: TrainedVocabulary) -> [UInt8] {
        var text = ""
        for id in 0..<256 {
            text += "[\(TokenRendering.render(vocabulary.tokens[id]))] \(id)\n"
        }
        for (index, merge) in vocabulary.merges.enumerated() {
            let id = 256 + index
            let left = TokenRendering.render(vocabulary.tokens[merge.left])
            let right = TokenRendering.render(vocabulary.tokens[merge.right])
            text += "[\(left)][\(right)] -> [\(TokenRendering.render(vocabulary.tokens[id]))] \(id)\n"
        }
        for (index, special) in vocabulary.specialTokens.enumerated() {
            text += "[\(TokenRendering.render(Array(special.utf8)))] \(vocabulary.specialTokenID(index))\n"
        }
        return Array(text.utf8)
    }
}
