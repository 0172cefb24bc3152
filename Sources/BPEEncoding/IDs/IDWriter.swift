@_spi(Plumbing) import BPECore

/// Writes ids in an `IDFormat` to an `OutputFile`, input after input.
package struct IDWriter {
    package let format: IDFormat
    private let output: OutputFile
    private var firstInFile = true
    private var scratch: [UInt8] = []

    package init(format: IDFormat, output: OutputFile) {
        self.format = format
        self.output = output
    }

    /// Writes the next ids of the current input.
    package mutating func write(_ ids: ArraySlice<TokenID>) throws(EncodeError) {
        switch format {
        case .u32:
            let failure = ids.withUnsafeBytes { raw -> FileError? in
                do throws(FileError) { try output.write(raw: raw) } catch { return error }
                return nil
            }
            if let failure { throw .output(failure) }
        case .u16:
            scratch.removeAll(keepingCapacity: true)
            for id in ids {
                scratch.append(UInt8(truncatingIfNeeded: id))
                scratch.append(UInt8(truncatingIfNeeded: id >> 8))
            }
            try write(scratch)
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
            try write(scratch)
        }
    }

    /// Ends the current input: a newline (after `]` for JSON); nothing for binary formats.
    package mutating func endInput() throws(EncodeError) {
        switch format {
        case .u16, .u32: break
        case .ids: try write([UInt8(ascii: "\n")])
        case .json:
            try write(firstInFile ? [UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "\n")] : [UInt8(ascii: "]"), UInt8(ascii: "\n")])
        }
        firstInFile = true
    }

    private func write(_ bytes: [UInt8]) throws(EncodeError) {
        do throws(FileError) { try output.write(bytes) } catch { throw .output(error) }
    }

    @inline(__always)
    static func appendDecimal(_ value: TokenID, to bytes: inout [UInt8]) {
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
