/// minbpe's `render_token`: a token's bytes decoded as UTF-8 with U+FFFD for each invalid
/// subpart, with every character of general category C* written as `\uXXXX`.
package enum TokenRendering {
    package static func render(_ bytes: [UInt8]) -> String {
        var out = ""
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if isOther(scalar) {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// General category C*: control, format, surrogate, private use, unassigned.
    package static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned: return true
        default: return false
        }
    }
}
