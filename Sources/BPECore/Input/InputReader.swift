
/// Maps and validates inputs and finds their special tokens: the read phase shared by
/// training and encoding.
package enum InputReader {
    /// Every input of `paths` mapped (or read), validated as UTF-8 (repaired under
    /// `.replace`), with the occurrences of `specialTokens` in each, in order. Validation and
    /// the special-token search share one pass over each chunk (`scan`).
    /// - Returns: the files, their occurrences, and how many inputs were repaired.
    /// - Complexity: O(total bytes / threads).
    package static func read(
        _ paths: [String], format: InputFormat = .text, specialTokens: [String], invalidUTF8: InvalidUTF8Policy,
        threads: Int
    ) throws(InputError) -> (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int) {
        let scanner = SpecialTokenScanner(specialTokens)
        var result: (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int) = ([], [], 0)
        // One input at a time: each is read again by its path right after it is opened
        // (`ReadingScan`), so at most one extra descriptor is open, however many inputs.
        for path in paths {
            let file = try CorpusFile.open(path, format: format, invalidUTF8: invalidUTF8)
            try prepare(file, scanner: scanner, invalidUTF8: invalidUTF8, threads: threads, into: &result)
        }
        return result
    }

    /// `read` for inputs already opened (or held in memory).
    package static func prepare(
        _ opened: [CorpusFile], specialTokens: [String], invalidUTF8: InvalidUTF8Policy, threads: Int
    ) throws(InputError) -> (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int) {
        let scanner = SpecialTokenScanner(specialTokens)
        var result: (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int) = ([], [], 0)
        for file in opened {
            try prepare(file, scanner: scanner, invalidUTF8: invalidUTF8, threads: threads, into: &result)
        }
        return result
    }

    /// Validates `file` (repairing it under `.replace`), finds its special tokens, and appends
    /// both to `result`.
    private static func prepare(
        _ opened: CorpusFile, scanner: SpecialTokenScanner, invalidUTF8: InvalidUTF8Policy, threads: Int,
        into result: inout (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int)
    ) throws(InputError) {
        var file = opened
        let path = file.path
        let (invalidAt, candidates) = try scan(file, scanner: scanner, threads: threads)
        var occurrences: [SpecialTokenOccurrence]
        if let offset = invalidAt {
            guard invalidUTF8 == .replace else { throw .invalidUTF8(path: path, offset: offset) }
            file = CorpusFile.inMemory(UTF8Validation.repaired(file.bytes), path: path)
            result.repaired += 1
            occurrences = scanner.occurrences(in: file.bytes, threads: threads)
        } else {
            occurrences = SpecialTokenScanner.leftmost(candidates)
        }
        if !file.documentEnds.isEmpty, !scanner.isEmpty {
            occurrences = withinDocuments(occurrences, of: file, scanner: scanner)
        }
        result.files.append(file)
        result.occurrences.append(occurrences)
    }
}

extension InputReader {
    /// The first invalid UTF-8 offset of `file` and its special-token candidates chunk by
    /// chunk in text order: read with `pread` (`ReadingScan`) when it is a mapped file its
    /// path still names, else through its bytes, each chunk's pages dropped once scanned.
    /// - Complexity: O(bytes / threads).
    static func scan(
        _ file: CorpusFile, scanner: SpecialTokenScanner, threads: Int
    ) throws(InputError) -> (invalidAt: Int?, candidates: [[SpecialTokenOccurrence]]) {
        if let descriptor = file.reopenForReading() {
            defer { try? descriptor.close() }
            return try ReadingScan.scan(
                descriptor, size: file.bytes.count, path: file.path, scanner: scanner, threads: threads)
        }
        let found = ChunkCandidates()
        let invalidAt = UTF8Validation.firstInvalidOffset(in: file.bytes, threads: threads) { chunk in
            if !scanner.isEmpty {
                found.add(scanner.candidates(in: file.bytes, from: chunk.lowerBound, to: chunk.upperBound), at: chunk)
            }
            file.releasePages(chunk)
        }
        return (invalidAt, found.inTextOrder())
    }

    /// `occurrences` without any that spans a document end (JSON Lines): each document holding
    /// one is scanned again alone, so a special token is found only inside one document.
    /// - Complexity: O(occurrences + document ends), plus the bytes of documents rescanned.
    static func withinDocuments(
        _ occurrences: [SpecialTokenOccurrence], of file: CorpusFile, scanner: SpecialTokenScanner
    ) -> [SpecialTokenOccurrence] {
        let ends = file.documentEnds
        func spansEnd(_ range: Range<Int>) -> Bool {
            // The first end after the range's start.
            var low = 0
            var high = ends.count
            while low < high {
                let mid = (low + high) / 2
                if ends[mid] <= range.lowerBound { low = mid + 1 } else { high = mid }
            }
            return low < ends.count && ends[low] < range.upperBound
        }
        guard occurrences.contains(where: { spansEnd($0.range) }) else { return occurrences }
        // Rare: rescan every document, each alone.
        var result: [SpecialTokenOccurrence] = []
        var start = 0
        for end in ends + [file.bytes.count] {
            let document = UnsafeBufferPointer(rebasing: file.bytes[start..<end])
            for found in scanner.occurrences(in: document, threads: 1) {
                result.append(SpecialTokenOccurrence(
                    range: (found.range.lowerBound + start)..<(found.range.upperBound + start), token: found.token))
            }
            start = end
        }
        return result
    }
}

/// Special-token candidates gathered chunk by chunk from parallel workers.
private final class ChunkCandidates: Sendable {
    private let chunks = LockedValue<[(start: Int, candidates: [SpecialTokenOccurrence])]>([])

    func add(_ candidates: [SpecialTokenOccurrence], at chunk: Range<Int>) {
        chunks.withLock { $0.append((chunk.lowerBound, candidates)) }
    }

    func inTextOrder() -> [[SpecialTokenOccurrence]] {
        chunks.withLock { $0.sorted { $0.start < $1.start }.map(\.candidates) }
    }
}
