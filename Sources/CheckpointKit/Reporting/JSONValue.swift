/// A JSON document built in a fixed key order, so output diffs cleanly and golden tests are
/// stable. Integers stay integers (never routed through Double).
public indirect enum JSONValue: Equatable, Sendable {
  case object([(String, JSONValue)])
  case array([JSONValue])
  case string(String)
  case unsigned(UInt64)
  case signed(Int64)
  case double(Double)
  /// A GGUF float32, written in its own shortest form.
  case float(Float)
  case bool(Bool)
  case null

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    a.serialized(pretty: false) == b.serialized(pretty: false)
  }

  public static func int(_ v: Int) -> JSONValue { .signed(Int64(v)) }
  public static func optional(_ v: String?) -> JSONValue { v.map(JSONValue.string) ?? .null }

  /// The text, indented by two spaces when `pretty`, on one line otherwise (for NDJSON).
  public func serialized(pretty: Bool = true) -> String {
    var writer = Writer(pretty: pretty)
    writer.write(self, indent: 0)
    return String(decoding: writer.bytes, as: UTF8.self)
  }

  private var isScalar: Bool {
    switch self {
    case .object, .array: return false
    default: return true
    }
  }

  /// Writes UTF-8 bytes into one growing buffer: a tensor listing of 20,000 entries is ~5 MB
  /// of JSON. Appending to a String scalar by scalar cost ~150 instructions a byte; runs of bytes
  /// are copied into the array at once from spans. A struct with mutating methods: the bytes in a
  /// class cost a run-time exclusivity check per append (a third of the time of a listing).
  private struct Writer {
    let pretty: Bool
    var bytes: [UInt8] = []

    init(pretty: Bool) {
      self.pretty = pretty
      bytes.reserveCapacity(1 << 12)
    }

    mutating func append(_ span: Span<UInt8>) {
      bytes.append(bytesOf: span)
    }

    mutating func byte(_ value: UInt8) {
      bytes.append(value)
    }

    mutating func literal(_ text: StaticString) {
      text.withSpan { append($0) }
    }

    mutating func text(_ s: String) {
      append(s.utf8.span)
    }

    mutating func newline(_ indent: Int) {
      guard pretty else { return }
      byte(UInt8(ascii: "\n"))
      for _ in 0..<indent { literal("  ") }
    }

    mutating func write(_ value: JSONValue, indent: Int) {
      switch value {
      case .object(let members):
        if members.isEmpty { return literal("{}") }
        literal("{")
        for (k, (key, member)) in members.enumerated() {
          newline(indent + 1)
          string(key)
          if pretty { literal(": ") } else { literal(":") }
          write(member, indent: indent + 1)
          if k + 1 < members.count { literal(",") }
        }
        newline(indent)
        literal("}")
      case .array(let items):
        if items.isEmpty { return literal("[]") }
        // Arrays of scalars (shapes, short previews) stay on one line: they read better that way.
        if items.allSatisfy({ $0.isScalar }) {
          literal("[")
          for (k, item) in items.enumerated() {
            if k > 0 { if pretty { literal(", ") } else { literal(",") } }
            write(item, indent: indent + 1)
          }
          literal("]")
          return
        }
        literal("[")
        for (k, item) in items.enumerated() {
          newline(indent + 1)
          write(item, indent: indent + 1)
          if k + 1 < items.count { literal(",") }
        }
        newline(indent)
        literal("]")
      case .string(let s): string(s)
      case .unsigned(let v): text(String(v))
      case .signed(let v): text(String(v))
      // JSON has no NaN or infinity; a float metadata value may hold them.
      case .double(let v): if v.isFinite { text(String(v)) } else { literal("null") }
      case .float(let v): if v.isFinite { text(String(v)) } else { literal("null") }
      case .bool(let v): if v { literal("true") } else { literal("false") }
      case .null: literal("null")
      }
    }

    /// A JSON string: runs of bytes that need no escape are copied at once.
    mutating func string(_ s: String) {
      byte(UInt8(ascii: "\""))
      do {
        let source = s.utf8.span
        var start = 0
        for k in source.indices {
          let b = source[k]
          guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
          append(source.extracting(start..<k))
          start = k + 1
          switch b {
          case UInt8(ascii: "\""): literal("\\\"")
          case UInt8(ascii: "\\"): literal("\\\\")
          case UInt8(ascii: "\n"): literal("\\n")
          case UInt8(ascii: "\r"): literal("\\r")
          case UInt8(ascii: "\t"): literal("\\t")
          default:
            let hex: StaticString = "0123456789abcdef"
            literal("\\u00")
            hex.withSpan { digits in
              byte(digits[Int(b >> 4)])
              byte(digits[Int(b & 15)])
            }
          }
        }
        append(source.extracting(start..<source.count))
      }
      byte(UInt8(ascii: "\""))
    }
  }
}
