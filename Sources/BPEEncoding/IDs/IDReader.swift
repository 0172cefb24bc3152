@_spi(Plumbing) import BPECore

/// Reads ids written by `IDWriter` (or by hand): decimal numbers separated by spaces,
/// newlines, commas or brackets, or a flat binary array.
package enum IDReader {
    /// Calls `body(id, position)` for each id in `bytes`, read as `format`, in order
    /// (`position` counts ids from 0); `path` names the input in errors.
    /// - Complexity: O(n), no storage.
    package static func forEachID(
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
    package static func parse(_ bytes: UnsafeBufferPointer<UInt8>, format: IDFormat, path: String) throws(EncodeError) -> [Int] {
        var ids: [Int] = []
        try forEachID(in: bytes, format: format, path: path) { id, _ in ids.append(id) }
        return ids
    }
}
