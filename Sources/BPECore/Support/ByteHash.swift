/// A fast 64-bit hash of a byte string, for the word tables. Not keyed: the result of
/// training never depends on hash values, only the speed does.
package enum ByteHash {
    /// Hash of `bytes[0..<count]`. Reads eight bytes at a time; the tail is read with
    /// overlapping loads, which with the length mixed in still determines every byte.
    /// - Complexity: O(count).
    @inline(__always)
    package static func hash(_ bytes: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        let raw = UnsafeRawPointer(bytes)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(truncatingIfNeeded: count) &* 0xFF51_AFD7_ED55_8CCD)
        var i = 0
        while i + 8 <= count {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
            h ^= h >> 29
            i += 8
        }
        let rest = count - i
        if rest > 0 {
            var tail: UInt64
            if rest >= 4 {
                tail = UInt64(raw.loadUnaligned(fromByteOffset: i, as: UInt32.self))
                tail |= UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)) << 32
            } else {
                tail = UInt64(bytes[i]) | UInt64(bytes[i + rest / 2]) << 8 | UInt64(bytes[count - 1]) << 16
            }
            h = (h ^ tail) &* 0x94D0_49BB_1331_11EB
        }
        // fmix64 of MurmurHash3: every input bit reaches the low bits used as the slot index.
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
