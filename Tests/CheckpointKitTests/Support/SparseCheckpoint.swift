import Foundation

/// Checkpoints kept as their headers only (TestData/peft-real, made by
/// scripts/make-real-adapter-fixtures): each `NAME.safetensors-header` is the first bytes of a real
/// file, byte for byte, and `NAME.data-bytes` the length of the data section that followed. A
/// directory is rebuilt as those headers followed by sparse zero-filled data of the right length
/// (the readers check the file size against the header), plus the JSON files beside them.
enum SparseCheckpoint {
  /// Rebuilds TestData/`folder` into a directory of `into`; returns its path.
  static func rebuild(_ folder: String, into dir: TempDir) throws -> String {
    let source = Paths.testData(folder)
    let target = dir.path + "/" + (folder.split(separator: "/").last.map(String.init) ?? folder)
    try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
    for name in try FileManager.default.contentsOfDirectory(atPath: source).sorted() {
      if name.hasSuffix(".json") {
        try FileManager.default.copyItem(atPath: source + "/" + name, toPath: target + "/" + name)
      }
      guard name.hasSuffix(".safetensors-header") else { continue }
      let stem = String(name.dropLast("-header".count).dropLast(".safetensors".count))
      let header = try Data(contentsOf: URL(fileURLWithPath: source + "/" + name))
      let lengthText = try String(contentsOfFile: source + "/" + stem + ".data-bytes", encoding: .utf8)
      guard let dataBytes = UInt64(lengthText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw CocoaError(.fileReadCorruptFile)
      }
      let file = target + "/" + stem + ".safetensors"
      _ = FileManager.default.createFile(atPath: file, contents: header)
      let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
      try handle.truncate(atOffset: UInt64(header.count) + dataBytes)
      try handle.close()
    }
    return target
  }

  /// A safetensors file of these F32 tensors with a sparse data section: big shapes cost no memory.
  @discardableResult
  static func write(_ tensors: [(String, [Int])], to file: String) throws -> String {
    var entries: [String] = []
    var offset = 0
    for (name, shape) in tensors {
      let size = shape.reduce(1, *) * 4
      entries.append("\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + size)]}")
      offset += size
    }
    let json = Array(("{" + entries.joined(separator: ",") + "}").utf8)
    let length = UInt64(json.count)
    let header = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json
    _ = FileManager.default.createFile(atPath: file, contents: Data(header))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: file))
    try handle.truncate(atOffset: UInt64(header.count) + UInt64(offset))
    try handle.close()
    return file
  }
}
