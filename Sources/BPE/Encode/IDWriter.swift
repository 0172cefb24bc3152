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
