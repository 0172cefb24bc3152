extension MergeTrainer {
    /// Replaces, left to right and without overlap, each (left, right) in `word` by `newToken`,
    /// and moves the word's weight from the pairs that disappear to the pairs that appear.
    ///
    /// The word keeps its place; its length shrinks and the freed tail is never read again.
    ///
    /// Loop invariant: `words[start ..< start + written]` is the rewritten prefix of the word
    /// and the pair counts already reflect it; `read` is the next unread original position.
    /// Using the rewritten previous token makes chains like `a b a b` and `a a a a` exact.
    /// Pairs with `newToken` are found through `newPairID`, the merged pair by its id: only
    /// the two vanishing neighbour pairs need a hash lookup.
    /// - Complexity: O(length of the word).
    @inline(__always)
    mutating func applyMerge(left: UInt32, right: UInt32, pair merged: Int, into newToken: UInt32, word: Int) {
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
                    if previous == newToken {
                        // (newToken, left) appeared at the previous replacement in this word.
                        pairCount[newPairID(newToken, left, newToken: newToken)] -= weight
                    } else {
                        addToPair(previous, left, -weight)
                    }
                    addToNewPair(previous, newToken, weight, newToken: newToken, listing: wordID)
                }
                pairCount[merged] -= weight
                if read + 2 < length {
                    let next = words[start + read + 2]
                    addToPair(right, next, -weight)
                    addToNewPair(newToken, next, weight, newToken: newToken, listing: wordID)
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

    /// The id of a pair holding the token the current merge creates, cached per merge in
    /// `pairEndingInNew` / `pairStartingWithNew` (indexed by the other token).
    @inline(__always)
    mutating func newPairID(_ left: UInt32, _ right: UInt32, newToken: UInt32) -> Int {
        if left == newToken {
            let cached = pairStartingWithNew[Int(right)]
            if cached >= 0 { return Int(cached) }
            let id = pairID(left, right)
            pairStartingWithNew[Int(right)] = id
            touchedStartingWithNew.append(right)
            return Int(id)
        }
        let cached = pairEndingInNew[Int(left)]
        if cached >= 0 { return Int(cached) }
        let id = pairID(left, right)
        pairEndingInNew[Int(left)] = id
        touchedEndingInNew.append(left)
        return Int(id)
    }

    @inline(__always)
    mutating func addToNewPair(_ left: UInt32, _ right: UInt32, _ delta: Int64, newToken: UInt32, listing word: UInt32) {
        let id = newPairID(left, right, newToken: newToken)
        pairCount[id] += delta
        if pairLastWord[id] != word {
            pairLastWord[id] = word
            pairWords[id].append(word)
        }
    }

    /// Forgets the per-merge cache of `newPairID`.
    mutating func resetNewPairCache() {
        for token in touchedStartingWithNew { pairStartingWithNew[Int(token)] = -1 }
        for token in touchedEndingInNew { pairEndingInNew[Int(token)] = -1 }
        touchedStartingWithNew.removeAll(keepingCapacity: true)
        touchedEndingInNew.removeAll(keepingCapacity: true)
    }
}
