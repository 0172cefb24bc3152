extension MergeTrainer {
    /// Replaces, left to right and without overlap, each (left, right) in `word` by `newToken`,
    /// and moves the word's weight from the pairs that disappear to the pairs that appear.
    ///
    /// The word keeps its place; its length shrinks and the freed tail is never read again.
    ///
    /// Loop invariant: `words[start ..< start + written]` is the rewritten prefix of the word
    /// and the pair counts already reflect it; `read` is the next unread original position.
    /// Using the rewritten previous token makes chains like `a b a b` and `a a a a` exact.
    /// - Complexity: O(length of the word).
    @inline(__always)
    mutating func applyMerge(left: UInt32, right: UInt32, into newToken: UInt32, word: Int) {
        let start = word + Self.headerSize
        let length = Int(words[word + 2])
        let weight = weight(ofWordAt: word)
        let wordID = UInt32(word)
        var read = 0
        var written = 0
        while read < length {
            let token = words[start + read]
            if token == left && read + 1 < length && words[start + read + 1] == right {
                if written > 0 {
                    let previous = words[start + written - 1]
                    addToPair(previous, left, -weight)
                    addToPair(previous, newToken, weight, listing: wordID)
                }
                addToPair(left, right, -weight)
                if read + 2 < length {
                    let next = words[start + read + 2]
                    addToPair(right, next, -weight)
                    addToPair(newToken, next, weight, listing: wordID)
                }
                words[start + written] = newToken
                written += 1
                read += 2
            } else {
                words[start + written] = token
                written += 1
                read += 1
            }
        }
        words[word + 2] = UInt32(written)
    }
}
