/// Bit-level conversions between float32 and the 16-bit storage formats.
///
/// bfloat16 is the top half of a float32; float16 is IEEE binary16 (1 sign, 5 exponent,
/// 10 mantissa bits). Conversions to 16 bits round to nearest, ties to even, as PyTorch does.
enum Half {
    @inline(__always)
    static func bfloat16ToFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }

    @inline(__always)
    static func floatToBfloat16(_ x: Float) -> UInt16 {
        let b = x.bitPattern
        if x.isNaN { return UInt16(b >> 16) | 0x0040 }  // keep it a quiet NaN
        let rounding = 0x7FFF + ((b >> 16) & 1)
        return UInt16((b &+ rounding) >> 16)
    }

    @inline(__always)
    static func float16ToFloat(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: value = mantissa · 2^-24.
            let magnitude = Float(mantissa) * Float(sign: .plus, exponent: -24, significand: 1)
            return sign == 0 ? magnitude : -magnitude
        case 31:
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        default:
            return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
        }
    }

    @inline(__always)
    static func floatToFloat16(_ x: Float) -> UInt16 {
        let b = x.bitPattern
        let sign = UInt16((b >> 16) & 0x8000)
        let magnitude = b & 0x7FFF_FFFF
        if magnitude >= 0x7F80_0000 {  // inf or NaN
            return sign | 0x7C00 | (magnitude > 0x7F80_0000 ? 0x0200 : 0)
        }
        if magnitude >= 0x477F_F000 { return sign | 0x7C00 }  // rounds past 65504: infinity
        if magnitude < 0x3880_0000 {
            // Result is subnormal in half precision: scale so the rounding of Float → Int does it.
            let v = Float(bitPattern: magnitude) * Float(sign: .plus, exponent: 24, significand: 1)
            return sign | UInt16(v.rounded(.toNearestOrEven))
        }
        let rebased = magnitude &- 0x3800_0000  // exponent 127 → 15
        let rounding = 0x0FFF + ((rebased >> 13) & 1)
        return sign | UInt16((rebased &+ rounding) >> 13)
    }
}
