/// A model's `config.json` (Hugging Face), read as a generic JSON tree with the header scanner.
/// Only the hyperparameters the audit uses are looked up; everything else is kept as read.
public struct ConfigFile: Equatable, Sendable {
  public let path: String
  public let root: JSONValue

  public init(path: String, root: JSONValue) {
    self.path = path
    self.root = root
  }

  /// Reads `config.json` beside a checkpoint: in the directory itself, or beside the file.
  public static func find(for catalog: Catalog) -> ConfigFile? {
    if let config = catalog.config { return config }
    if RemoteAddress.isRemote(catalog.path) { return nil }
    let directory = FileSystem.kind(of: catalog.path) == .directory ? catalog.path : FileSystem.directoryName(catalog.path)
    let path = FileSystem.join(directory, "config.json")
    guard FileSystem.kind(of: path) == .file, let file = try? MappedFile(path: path) else { return nil }
    guard let root = file.withSpan({ try? ConfigFile.parse($0) }) else { return nil }
    return ConfigFile(path: path, root: root)
  }

  /// Parses any JSON document (configs are small: a few kB).
  public static func parse(_ bytes: Span<UInt8>) throws(CheckpointError) -> JSONValue {
    guard UTF8Validation.isValid(bytes) else {
      throw CheckpointError(offset: 0, field: "config", fault: .safetensors(.invalidUTF8))
    }
    var scanner = HeaderScanner(bytes, base: 0, field: "config")
    let value = try scanner.value(depth: 0)
    if scanner.peek() != nil { throw scanner.fail(.invalidJSON("trailing characters")) }
    return value
  }

  /// The value at a key path such as `text_config.hidden_size`.
  public func value(_ path: String) -> JSONValue? {
    var current = root
    for key in path.split(separator: ".") {
      guard case .object(let members) = current, let next = members.first(where: { $0.0 == key })?.1 else { return nil }
      current = next
    }
    return current
  }

  /// The first of `keys` that holds a whole number.
  public func integer(_ keys: String...) -> Int? {
    for key in keys {
      switch value(key) {
      case .unsigned(let v)?: return Int(exactly: v)
      case .signed(let v)?: return Int(exactly: v)
      case .double(let v)? where v == v.rounded() && abs(v) < 1e15: return Int(v)
      default: continue
      }
    }
    return nil
  }

  public func bool(_ key: String) -> Bool? {
    if case .bool(let v)? = value(key) { return v }
    return nil
  }

  public func string(_ key: String) -> String? {
    if case .string(let v)? = value(key) { return v }
    return nil
  }
}

extension HeaderScanner {
  /// Any JSON value, as a JSONValue tree (numbers as integers when whole).
  mutating func value(depth: Int) throws(CheckpointError) -> JSONValue {
    guard depth < HeaderScanner.maxDepth else { throw fail(.nestingTooDeep(limit: HeaderScanner.maxDepth)) }
    guard let first = peek() else { throw fail(.invalidJSON("expected a value")) }
    switch first {
    case UInt8(ascii: "\""):
      return .string(try string())
    case UInt8(ascii: "{"):
      index += 1
      var members: [(String, JSONValue)] = []
      if consume(UInt8(ascii: "}")) { return .object(members) }
      repeat {
        let key = try string()
        try expect(UInt8(ascii: ":"), "':'")
        members.append((key, try value(depth: depth + 1)))
      } while consume(UInt8(ascii: ","))
      try expect(UInt8(ascii: "}"), "',' or '}'")
      return .object(members)
    case UInt8(ascii: "["):
      index += 1
      var items: [JSONValue] = []
      if consume(UInt8(ascii: "]")) { return .array(items) }
      repeat { items.append(try value(depth: depth + 1)) } while consume(UInt8(ascii: ","))
      try expect(UInt8(ascii: "]"), "',' or ']'")
      return .array(items)
    case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
      let start = index
      try skipValue(depth: depth)
      switch bytes[start] {
      case UInt8(ascii: "t"): return .bool(true)
      case UInt8(ascii: "f"): return .bool(false)
      default: return .null
      }
    default:
      let start = index
      try skipValue(depth: depth)
      let text = bytes.extracting(start..<index).decodedString
      if let v = UInt64(text) { return .unsigned(v) }
      if let v = Int64(text) { return .signed(v) }
      if let v = Double(text) { return .double(v) }
      index = start
      throw fail(.invalidJSON("bad number"))
    }
  }
}
