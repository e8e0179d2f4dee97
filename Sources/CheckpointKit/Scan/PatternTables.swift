/// The value of every bit pattern of the 8- and 16-bit element types, as data: a tensor of such
/// a type is summarised by counting its patterns (see `PatternHistogram`), and the counts are
/// turned into values through these tables once per piece, not once per element.
enum PatternTables {
  static let float16: [Double] = (0...UInt16.max).map { Double(Float(Float16(bitPattern: $0))) }
  static let bfloat16: [Double] = (0...UInt16.max).map { Double(Float(bitPattern: UInt32($0) << 16)) }
  static let int16: [Double] = (0...UInt16.max).map { Double(Int16(bitPattern: $0)) }
  static let uint16: [Double] = (0...UInt16.max).map { Double($0) }

  static let uint8: [Double] = (0...UInt8.max).map { Double($0) }
  static let int8: [Double] = (0...UInt8.max).map { Double(Int8(bitPattern: $0)) }
  /// safetensors BOOL: a byte, true when not zero.
  static let bool: [Double] = (0...UInt8.max).map { $0 == 0 ? 0 : 1 }
  /// F8_E4M3 (OCP "FN"): bias 7, no infinities, S.1111.111 is NaN.
  static let float8E4M3: [Double] = (0...UInt8.max).map { minifloat($0, exponentBits: 4, bias: 7, infinities: false, nanIsAllOnes: true) }
  /// F8_E5M2: IEEE-style, bias 15, with infinities and NaNs.
  static let float8E5M2: [Double] = (0...UInt8.max).map { minifloat($0, exponentBits: 5, bias: 15, infinities: true, nanIsAllOnes: false) }
  /// F8_E4M3FNUZ: bias 8, no infinities, no negative zero: 0x80 is the only NaN.
  static let float8E4M3FNUZ: [Double] = (0...UInt8.max).map { $0 == 0x80 ? .nan : minifloat($0, exponentBits: 4, bias: 8, infinities: false, nanIsAllOnes: false) }
  /// F8_E5M2FNUZ: bias 16, no infinities, 0x80 is the only NaN.
  static let float8E5M2FNUZ: [Double] = (0...UInt8.max).map { $0 == 0x80 ? .nan : minifloat($0, exponentBits: 5, bias: 16, infinities: false, nanIsAllOnes: false) }
  /// F8_E8M0 (the MX scale type): 2^(e-127), 0xFF is NaN.
  static let float8E8M0: [Double] = (0...UInt8.max).map { $0 == 0xFF ? .nan : Double(sign: .plus, exponent: Int($0) - 127, significand: 1) }
  /// F4 (E2M1, two per byte, the first element in the low nibble): the byte's pair of values.
  static let float4E2M1: [Double] = (0...UInt8.max).map { minifloat($0 & 15, exponentBits: 2, bias: 1, infinities: false, nanIsAllOnes: false, width: 4) }

  /// A small float of 1 sign bit, `exponentBits` and the rest mantissa, with subnormals.
  static func minifloat(
    _ pattern: UInt8, exponentBits: Int, bias: Int, infinities: Bool, nanIsAllOnes: Bool, width: Int = 8
  ) -> Double {
    let mantissaBits = width - 1 - exponentBits
    let negative = pattern >> (width - 1) & 1 == 1
    let exponent = Int(pattern >> mantissaBits) & ((1 << exponentBits) - 1)
    let mantissa = Int(pattern) & ((1 << mantissaBits) - 1)
    let allOnes = (1 << exponentBits) - 1
    var value: Double
    if infinities && exponent == allOnes {
      value = mantissa == 0 ? .infinity : .nan
    } else if nanIsAllOnes && exponent == allOnes && mantissa == (1 << mantissaBits) - 1 {
      value = .nan
    } else if exponent == 0 {
      value = Double(mantissa) * Double(sign: .plus, exponent: 1 - bias - mantissaBits, significand: 1)
    } else {
      value = Double(mantissa + (1 << mantissaBits)) * Double(sign: .plus, exponent: exponent - bias - mantissaBits, significand: 1)
    }
    return negative ? -value : value
  }
}
