@_spi(Plumbing) import BPECore

extension Tokenizer {
    /// The bytes of `ids`, concatenated (special tokens as their text). The bytes need not be
    /// UTF-8 on their own: a character may be split between two calls, and joining the
    /// results restores it.
    /// - Complexity: O(output bytes).
    public func decode(_ ids: [TokenID]) throws(EncodeError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(ids.count * 4)
        for (position, id) in ids.enumerated() {
            let known = try withBytes(of: Int(id)) { (bytes) throws(EncodeError) in out.append(contentsOf: bytes) }
            if !known { throw .unknownID(id: id, position: position, path: "<ids>") }
        }
        return out
    }

    /// Decodes the ids in `input` (read as `format`) into `output`, streaming: no id list is
    /// built. The first unknown id stops it with its position; `path` names the input.
    /// - Complexity: O(input + output bytes).
    package func decode(
        _ input: UnsafeBufferPointer<UInt8>, format: IDFormat, path: String, into output: OutputFile
    ) throws(EncodeError) {
        try IDReader.forEachID(in: input, format: format, path: path) { (id, position) throws(EncodeError) in
            let known = try withBytes(of: id) { (bytes) throws(EncodeError) in
                do throws(FileError) { try output.write(raw: UnsafeRawBufferPointer(bytes)) } catch { throw .output(error) }
            }
            if !known { throw .unknownID(id: TokenID(id), position: position, path: path) }
        }
    }
}
