/// How a tensor's stored bytes become the values the model computes with, chosen once per
/// tensor from its dtype; the scan's inner loops then run without asking again.
enum ValueEncoding {
  case float32
  case float64
  /// A 16-bit type counted by pattern (F16, BF16, I16, U16).
  case patterns16([Double])
  /// An 8-bit type counted by pattern (U8, I8, BOOL, the F8 types).
  case patterns8([Double])
  /// E2M1, two values per byte.
  case float4
  case int32, uint32, int64, uint64
  /// A ggml block-quantized type.
  case blocks(GGMLType)
  /// Not decodable; the reason goes into the `not_decoded` finding.
  case undecodable(String)

  /// Bytes of one unit that pieces must not split: an element, or a block.
  var unitBytes: Int {
    switch self {
    case .float32, .int32, .uint32: return 4
    case .float64, .int64, .uint64: return 8
    case .patterns16: return 2
    case .patterns8, .float4, .undecodable: return 1
    case .blocks(let type): return Int(type.blockBytes)
    }
  }

  /// The encoding of a GGUF tensor type (its name as the catalog spells it).
  static func gguf(_ dtype: String) -> ValueEncoding {
    switch dtype {
    case "F32": return .float32
    case "F16": return .patterns16(PatternTables.float16)
    case "BF16": return .patterns16(PatternTables.bfloat16)
    case "F64": return .float64
    case "I8": return .patterns8(PatternTables.int8)
    case "I16": return .patterns16(PatternTables.int16)
    case "I32": return .int32
    case "I64": return .int64
    default:
      guard let type = GGMLType.table.first(where: { $0?.name == dtype }) ?? nil else {
        return .undecodable("unknown ggml type \(dtype)")
      }
      return .blocks(type)
    }
  }

  /// The encoding of a safetensors dtype.
  static func safetensors(_ dtype: String) -> ValueEncoding {
    switch dtype {
    case "F32": return .float32
    case "F64": return .float64
    case "F16": return .patterns16(PatternTables.float16)
    case "BF16": return .patterns16(PatternTables.bfloat16)
    case "I16": return .patterns16(PatternTables.int16)
    case "U16": return .patterns16(PatternTables.uint16)
    case "U8": return .patterns8(PatternTables.uint8)
    case "I8": return .patterns8(PatternTables.int8)
    case "BOOL": return .patterns8(PatternTables.bool)
    case "F8_E4M3": return .patterns8(PatternTables.float8E4M3)
    case "F8_E5M2": return .patterns8(PatternTables.float8E5M2)
    case "F8_E4M3FNUZ": return .patterns8(PatternTables.float8E4M3FNUZ)
    case "F8_E5M2FNUZ": return .patterns8(PatternTables.float8E5M2FNUZ)
    case "F8_E8M0": return .patterns8(PatternTables.float8E8M0)
    case "F4": return .float4
    case "I32": return .int32
    case "U32": return .uint32
    case "I64": return .int64
    case "U64": return .uint64
    case "F6_E2M3", "F6_E3M2": return .undecodable("\(dtype) (6-bit floats packed across bytes) is not decoded")
    case "C64": return .undecodable("C64 (complex) is not decoded")
    default: return .undecodable("unknown dtype \(dtype)")
    }
  }
}
