@_spi(Plumbing) import BPECore

/// Reads up to eight bytes as one little-endian machine word, zero-padded, touching only
/// those bytes (so it is safe at the very end of a buffer) and without a `memcpy` call.
@inline(__always)
func paddedLoad(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
    let raw = UnsafeRawPointer(bytes)
    if count >= 8 { return raw.loadUnaligned(as: UInt64.self) }
    if count >= 4 {
        // Two overlapping four-byte loads; the overlap holds the same bytes in both.
        let low = UInt64(raw.loadUnaligned(as: UInt32.self))
        let high = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        return low | high << UInt64(8 * (count - 4))
    }
    if count == 0 { return 0 }
    // One to three bytes: first, middle and last (some of them the same byte).
    let middle = count / 2
    return UInt64(bytes[0]) | UInt64(bytes[middle]) << UInt64(8 * middle) | UInt64(bytes[count - 1]) << UInt64(8 * (count - 1))
}
