import CheckpointKit
import Testing

/// Builds files byte by byte, so each test states exactly what it feeds the reader.
struct Bytes {
  var data: [UInt8] = []
  /// Write numbers big-endian (for big-endian GGUF).
  var bigEndian = false

  mutating func u8(_ v: UInt8) { data.append(v) }
  mutating func u16(_ v: UInt16) { int(v) }
  mutating func u32(_ v: UInt32) { int(v) }
  mutating func u64(_ v: UInt64) { int(v) }
  mutating func i32(_ v: Int32) { int(v) }
  mutating func f32(_ v: Float) { int(v.bitPattern) }
  mutating func raw(_ s: String) { data += Array(s.utf8) }
  mutating func raw(_ b: [UInt8]) { data += b }
  mutating func zeros(_ n: Int) { data += [UInt8](repeating: 0, count: n) }

  mutating func int<T: FixedWidthInteger>(_ v: T) {
    let ordered = bigEndian ? v.bigEndian : v.littleEndian
    withUnsafeBytes(of: ordered) { data += $0 }
  }

  /// A safetensors file: 8-byte length, the header text as given, then `dataBytes` bytes.
  static func safetensors(_ header: String, dataBytes: Int = 0) -> [UInt8] {
    var b = Bytes()
    b.u64(UInt64(header.utf8.count))
    b.raw(header)
    b.zeros(dataBytes)
    return b.data
  }
}

/// A GGUF writer for tests: metadata and tensor infos as given, then zero-filled data.
struct GGUFBuilder {
  var version: UInt32 = 3
  var bigEndian = false
  var kvs: [(String, (inout GGUFBuilder, inout Bytes) -> Void)] = []
  var tensors: [(name: String, dims: [UInt64], type: UInt32, offset: UInt64)] = []
  /// Bytes of tensor data to append after the aligned header.
  var dataBytes = 0
  var alignment = 32

  /// Writes a length or count: 32 bits in version 1, 64 after.
  func count(_ v: UInt64, into b: inout Bytes) {
    if version == 1 { b.u32(UInt32(truncatingIfNeeded: v)) } else { b.u64(v) }
  }

  func string(_ s: String, into b: inout Bytes) {
    count(UInt64(s.utf8.count), into: &b)
    b.raw(s)
  }

  mutating func kv(_ key: String, _ body: @escaping (inout GGUFBuilder, inout Bytes) -> Void) {
    kvs.append((key, body))
  }

  mutating func string(_ key: String, _ value: String) {
    kv(key) { g, b in
      b.u32(8)
      g.string(value, into: &b)
    }
  }

  mutating func uint32(_ key: String, _ value: UInt32) {
    kv(key) { _, b in
      b.u32(4)
      b.u32(value)
    }
  }

  mutating func tensor(_ name: String, dims: [UInt64], type: UInt32, offset: UInt64) {
    tensors.append((name, dims, type, offset))
  }

  func build() -> [UInt8] {
    var copy = self
    var b = Bytes(bigEndian: bigEndian)
    b.raw("GGUF")
    b.u32(version)
    count(UInt64(tensors.count), into: &b)
    count(UInt64(kvs.count), into: &b)
    for (key, body) in kvs {
      string(key, into: &b)
      body(&copy, &b)
    }
    for t in tensors {
      string(t.name, into: &b)
      b.u32(UInt32(t.dims.count))
      for d in t.dims { count(d, into: &b) }
      b.u32(t.type)
      b.u64(t.offset)
    }
    if dataBytes > 0 {
      b.zeros((alignment - b.data.count % alignment) % alignment)
      b.zeros(dataBytes)
    }
    return b.data
  }
}

extension Array where Element == UInt8 {
  func parseSafetensors() throws -> SafetensorsHeader {
    try withUnsafeBytes { raw in try SafetensorsReader.parse(raw) }
  }

  func parseGGUF(arrayItems: Int = GGUFReader.previewItems) throws -> GGUFFile {
    try withUnsafeBytes { raw in try GGUFReader.parse(raw, arrayItems: arrayItems) }
  }
}

/// The fault a throwing call raised, or nil when it did not throw.
func fault<T>(_ body: () throws -> T) -> Fault? {
  caught(body)?.fault
}

/// The whole error a throwing call raised, or nil.
func caught<T>(_ body: () throws -> T) -> CheckpointError? {
  do {
    _ = try body()
    return nil
  } catch let error as CheckpointError {
    return error
  } catch {
    Issue.record("unexpected error \(error)")
    return nil
  }
}
