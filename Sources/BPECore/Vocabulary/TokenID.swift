/// A token's id (tiktoken calls it the rank: ids are also merge priorities). The one id type
/// of the library: merges, vocabularies, encoding and decoding all speak in it.
public typealias TokenID = UInt32

extension TokenID {
    /// "No such token": larger than every real id, so it never wins a minimum. Inlinable (a
    /// constant, not a global) because the encoders compare with it in their inner loops.
    @_spi(Plumbing) @inlinable
    public static var none: TokenID { .max }
}
