/// How token ids are written by `bpe encode` and read by `bpe decode`.
public enum IDFormat: String, Sendable, CaseIterable {
    /// Decimal ids separated by spaces, one line per input.
    case ids
    /// One JSON array per input, one per line.
    case json
    /// All ids as one flat array of little-endian 16-bit integers.
    case u16
    /// All ids as one flat array of little-endian 32-bit integers.
    case u32

    public var isBinary: Bool { self == .u16 || self == .u32 }

    /// Fails if some id of `tokenizer` does not fit the format.
    public func check(_ tokenizer: Tokenizer) throws(EncodeError) {
        if self == .u16 && tokenizer.idLimit > 1 << 16 {
            throw .idsDoNotFit(format: rawValue, largestID: tokenizer.idLimit - 1)
        }
    }
}

/// Writes ids in an `IDFormat` to an `OutputStream`, input after input.
public struct IDWriter {
    public let format: IDFormat
    private let output: OutputStream
    private var firstInFile = true
    private var scratch: [UInt8] = []

    public init(format: IDFormat, output: OutputStream) {
        self.format = format
        self.output = output
    }

    /// Writes the next ids of the current input.
    public mutating func write(_ ids: ArraySlice<Rank>) throws(EncodeError) {
        switch format {
        case .u32:
            let failure = ids.withUnsafeBytes { raw -> EncodeError? in
                do throws(EncodeError) { try output.write(raw: raw) } catch { return error }
                return nil
            }
            if let failure { throw failure }
        case .u16:
            scratch.removeAll(keepingCapacity: true)
            for id in ids {
                scratch.append(UInt8(truncatingIfNeeded: id))
                scratch.append(UInt8(truncatingIfNeeded: id >> 8))
            }
            try output.write(scratch)
        case .ids, .json:
            scratch.removeAll(keepingCapacity: true)
            let separator: [UInt8] = format == .json ? [UInt8(ascii: ",")] : [UInt8(ascii: " ")]
            for id in ids {
                if firstInFile {
                    if format == .json { scratch.append(UInt8(ascii: "[")) }
                    firstInFile = false
                } else {
                    scratch.append(contentsOf: separator)
                }
                Self.appendDecimal(id, to: &scratch)
            }
            try output.write(scratch)
        }
    }

    /// Ends the current input: a newline (after `]` for JSON); nothing for binary formats.
    public mutating func endInput() throws(EncodeError) {
        switch format {
        case .u16, .u32: break
        case .ids: try output.write(UInt8(ascii: "\n"))
        case .json:
            if firstInFile { try output.write(UInt8(ascii: "[")) }
            try output.write([UInt8(ascii: "]"), UInt8(ascii: "\n")])
        }
        firstInFile = true
    }

    @inline(__always)
    static func appendDecimal(_ value: Rank, to bytes: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(buffer[index]) }
        }
    }
}

/// Reads ids written by `IDWriter` (or by hand): decimal numbers separated by spaces,
/// newlines, commas or brackets, or a flat binary array.
public enum IDReader {
    /// Calls `body(id, position)` for each id in `bytes`, read as `format`, in order
    /// (`position` counts ids from 0); `path` names the input in errors.
    /// - Complexity: O(n), no storage.
    public static func forEachID(
        in bytes: UnsafeBufferPointer<UInt8>, format: IDFormat, path: String,
        _ body: (_ id: Int, _ position: Int) throws(EncodeError) -> Void
    ) throws(EncodeError) {
        var position = 0
        switch format {
        case .u16, .u32:
            let width = format == .u16 ? 2 : 4
            if bytes.count % width != 0 {
                throw .malformedIDs(path: path, offset: bytes.count - bytes.count % width,
                                    reason: "\(bytes.count) bytes is not a whole number of \(width)-byte ids")
            }
            var index = 0
            while index < bytes.count {
                var id = 0
                for byte in 0..<width { id |= Int(bytes[index + byte]) << (8 * byte) }
                try body(id, position)
                position += 1
                index += width
            }
        case .ids, .json:
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                    var id = 0
                    let start = index
                    while index < bytes.count && bytes[index] >= UInt8(ascii: "0") && bytes[index] <= UInt8(ascii: "9") {
                        id = id * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                        if id > Int(UInt32.max) { throw .malformedIDs(path: path, offset: start, reason: "the number is too large for an id") }
                        index += 1
                    }
                    try body(id, position)
                    position += 1
                    continue
                }
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"),
                     UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"):
                    index += 1
                default:
                    let shown = byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
                    throw .malformedIDs(path: path, offset: index, reason: "unexpected \(shown) (expected digits, spaces, commas or brackets)")
                }
            }
        }
    }

    /// All the ids in `bytes` (see `forEachID`).
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, format: IDFormat, path: String) throws(EncodeError) -> [Int] {
        var ids: [Int] = []
        try forEachID(in: bytes, format: format, path: path) { id, _ in ids.append(id) }
        return ids
    }
}
