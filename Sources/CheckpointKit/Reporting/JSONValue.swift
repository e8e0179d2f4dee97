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
    var out = ""
    write(into: &out, pretty: pretty, indent: 0)
    return out
  }

  private func write(into out: inout String, pretty: Bool, indent: Int) {
    let newline = pretty ? "\n" : ""
    let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
    let closePad = pretty ? String(repeating: "  ", count: indent) : ""
    switch self {
    case .object(let members):
      if members.isEmpty {
        out += "{}"
        return
      }
      out += "{" + newline
      for (k, (key, value)) in members.enumerated() {
        out += pad
        JSONValue.writeString(key, into: &out)
        out += pretty ? ": " : ":"
        value.write(into: &out, pretty: pretty, indent: indent + 1)
        out += (k + 1 < members.count ? "," : "") + newline
      }
      out += closePad + "}"
    case .array(let items):
      if items.isEmpty {
        out += "[]"
        return
      }
      // Arrays of scalars (shapes, short previews) stay on one line: they read better that way.
      if items.allSatisfy({ $0.isScalar }) {
        out += "["
        for (k, item) in items.enumerated() {
          if k > 0 { out += pretty ? ", " : "," }
          item.write(into: &out, pretty: pretty, indent: indent + 1)
        }
        out += "]"
        return
      }
      out += "[" + newline
      for (k, item) in items.enumerated() {
        out += pad
        item.write(into: &out, pretty: pretty, indent: indent + 1)
        out += (k + 1 < items.count ? "," : "") + newline
      }
      out += closePad + "]"
    case .string(let s): JSONValue.writeString(s, into: &out)
    case .unsigned(let v): out += String(v)
    case .signed(let v): out += String(v)
    case .double(let v):
      // JSON has no NaN or infinity; a float metadata value may hold them.
      out += v.isFinite ? String(v) : "null"
    case .float(let v): out += v.isFinite ? String(v) : "null"
    case .bool(let v): out += v ? "true" : "false"
    case .null: out += "null"
    }
  }

  private var isScalar: Bool {
    switch self {
    case .object, .array: return false
    default: return true
    }
  }

  static func writeString(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20:
        let hex = String(c.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}
