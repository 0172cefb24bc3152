@_spi(Plumbing) import BPECore
import BPEFormats

/// The words of one count file, read in place: what `bpe train --counts` with a single file
/// trains from, with no word table in between (the file's words are distinct already).
///
/// `init` checks every record in order, once (`CountFileReader`: lengths, order, counts and
/// the totals against the header), noting where each of `parts` runs of records starts; the
/// merge trainer then copies the parts at the same time (`forEach(inPart:_:)`). Memory: the
/// file's mapping, held as long as this value.
///
/// `@unchecked Sendable`: nothing changes after `init`; the parts are read concurrently.
final class CountFileWords: WordPartitions, @unchecked Sendable {
    let header: CountFileHeader
    /// Keeps the mapping alive and checked.
    private let reader: CountFileReader
    private let bytes: UnsafeBufferPointer<UInt8>
    /// Byte offsets: part i's records are `bounds[i] ..< bounds[i + 1]`.
    private let bounds: [Int]

    /// Checks the count file at `path` whole and cuts its records into `parts` runs of about
    /// as many records each (one run under `recordsToCut` records; never an empty run).
    /// - Throws: `TrainingError.counts` with the reader's one-line reason.
    /// - Complexity: O(file size).
    init(path: String, parts: Int, recordsToCut: Int = 1 << 15) throws(TrainingError) {
        precondition(parts >= 1)
        do throws(CountFileError) {
            reader = try CountFileReader(path: path)
            header = reader.header
            bytes = reader.mappedBytes
            let records = reader.plausibleRecords
            // Files under `recordsToCut` records are copied by one thread (as small word tables are).
            let parts = records >= recordsToCut ? parts : 1
            // Part k starts at about record k · records / parts; no part is empty.
            var bounds = [reader.nextRecordOffset]
            var seen = 0
            var nextPart = 1
            while let (_, count) = try reader.next() {
                guard count <= UInt64(Int64.max) else {
                    throw CountFileError(path: path, reason: "a word is counted more than 2^63 times")
                }
                seen += 1
                while nextPart < parts && seen >= nextPart * records / parts {
                    nextPart += 1
                    if reader.nextRecordOffset > bounds.last! { bounds.append(reader.nextRecordOffset) }
                }
            }
            // `next` returned nil: every record is checked, the totals agree with the header.
            if bounds.count == 1 || reader.nextRecordOffset > bounds.last! { bounds.append(reader.nextRecordOffset) }
            self.bounds = bounds
        } catch {
            throw .counts(error)
        }
    }

    var partCount: Int { bounds.count - 1 }

    /// Calls `body` with each word of part `part` and its count, in file order.
    /// - Complexity: O(bytes of the part).
    func forEach(inPart part: Int, _ body: (UnsafeBufferPointer<UInt8>, Int64) -> Void) {
        var offset = bounds[part]
        let end = bounds[part + 1]
        // Every record was checked in `init`: lengths fit and counts fit in Int64.
        while offset < end {
            let record = CountFileReader.checkedRecord(at: offset, in: bytes)
            body(record.word, Int64(truncatingIfNeeded: record.count))
            offset = record.next
        }
    }
}
