/// How an input's bytes are stored. Told by the first bytes, never by the name alone: gzip's
/// magic (1F 8B) and zstd's (28 B5 2F FD) are not valid UTF-8 at the start of a text, so no
/// text input is ever taken for a compressed one. A name ending in `.gz` or `.zst` whose bytes
/// lack the magic is an error (`expected(byName:)`).
package enum Compression: String, Sendable, Equatable {
    case none
    case gzip
    case zstd

    /// The compression whose magic `prefix` starts with (`.none` if neither).
    package static func detect<Bytes: Collection>(prefix: Bytes) -> Compression where Bytes.Element == UInt8 {
        let head = Array(prefix.prefix(4))
        if head.count >= 2 && head[0] == 0x1F && head[1] == 0x8B { return .gzip }
        if head == [0x28, 0xB5, 0x2F, 0xFD] { return .zstd }
        return .none
    }

    /// The compression a file name promises (`x.gz`, `x.jsonl.zst`), if any.
    package static func expected(byName path: String) -> Compression? {
        if path.hasSuffix(".gz") { return .gzip }
        if path.hasSuffix(".zst") || path.hasSuffix(".zstd") { return .zstd }
        return nil
    }
}
