/// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes stand for themselves, the other 68
/// bytes for U+0100 onwards, in byte order.
package enum GPT2ByteAlphabet {
    /// The character standing for each byte.
    package static let scalars: [Unicode.Scalar] = {
        let printable = Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF)
        var scalars = [Unicode.Scalar](repeating: " ", count: 256)
        var extra = 0
        for byte in 0..<256 {
            if printable.contains(byte) {
                scalars[byte] = Unicode.Scalar(UInt32(byte))!
            } else {
                scalars[byte] = Unicode.Scalar(UInt32(256 + extra))!
                extra += 1
            }
        }
        return scalars
    }()

    /// The byte each character stands for.
    package static let decoder: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (byte, scalar) in scalars.enumerated() { map[scalar] = UInt8(byte) }
        return map
    }()

    /// The bytes `text` stands for, or nil if a character is not in the alphabet.
    package static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            guard let byte = decoder[scalar] else { return nil }
            out.append(byte)
        }
        return out
    }

    /// `bytes` written in the alphabet (how encoder.json and vocab.bpe write tokens).
    package static func encode(_ bytes: [UInt8]) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { scalars[Int($0)] })
        return text
    }
}
