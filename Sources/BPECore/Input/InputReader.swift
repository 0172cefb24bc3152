
/// Maps and validates inputs and finds their special tokens: the read phase shared by
/// training and encoding.
package enum InputReader {
    /// Every input of `paths` mapped (or read), validated as UTF-8 (repaired under
    /// `.replace`), with the occurrences of `specialTokens` in each, in order. Validation and
    /// the special-token search share one pass over each chunk of a mapped file, after which
    /// the chunk's pages are dropped.
    /// - Returns: the files, their occurrences, and how many inputs were repaired.
    /// - Complexity: O(total bytes / threads).
    package static func read(
        _ paths: [String], format: InputFormat = .text, specialTokens: [String], invalidUTF8: InvalidUTF8Policy,
        threads: Int
    ) throws(InputError) -> (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int) {
        var files: [CorpusFile] = []
        var occurrences: [[SpecialTokenOccurrence]] = []
        var repaired = 0
        // One input at a time: each is read again by its path right after it is opened
        // (`ReadingScan`), so at most one extra descriptor is open, however many inputs.
        for path in paths {
            let file = try CorpusFile.open(path, format: format, invalidUTF8: invalidUTF8)
            let prepared = try prepare([file], specialTokens: specialTokens, invalidUTF8: invalidUTF8, threads: threads)
            files += prepared.files
            occurrences += prepared.occurrences
            repaired += prepared.repaired
        }
        return (files, occurrences, repaired)
    }

    /// `read` for inputs already opened (or held in memory).
    package static func prepare(
        _ opened: [CorpusFile], specialTokens: [String], invalidUTF8: InvalidUTF8Policy, threads: Int
    ) throws(InputError) -> (files: [CorpusFile], occurrences: [[SpecialTokenOccurrence]], repaired: Int) {
        let scanner = SpecialTokenScanner(specialTokens)
        var files: [CorpusFile] = []
        var occurrences: [[SpecialTokenOccurrence]] = []
        var repaired = 0
        for var file in opened {
            let path = file.path
            let (invalidAt, candidates) = try scan(file, scanner: scanner, threads: threads)
            if let offset = invalidAt {
                guard invalidUTF8 == .replace else { throw .invalidUTF8(path: path, offset: offset) }
                file = CorpusFile.inMemory(UTF8Validation.repaired(file.bytes), path: path)
                repaired += 1
                occurrences.append(scanner.occurrences(in: file.bytes, threads: threads))
            } else {
                occurrences.append(SpecialTokenScanner.leftmost(candidates))
            }
            if !file.documentEnds.isEmpty, !scanner.isEmpty {
                occurrences[occurrences.count - 1] = withinDocuments(occurrences.last!, of: file, scanner: scanner)
            }
            files.append(file)
        }
        return (files, occurrences, repaired)
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
