/// Every decoder `scan` runs, behind one call, for the fuzz target: tensor data is whatever bytes
/// a file holds, so each ggml block type, each pattern table and the statistics must take any
/// bytes without trapping. Each encoding reads the input's longest whole-unit prefix.
public enum ScanFuzzing {
  public static func decodeAll(_ bytes: [UInt8]) {
    let buffer = ChunkBuffer(capacity: bytes.count)
    var decoder = PieceDecoder()
    var encodings: [ValueEncoding] = GGMLType.table.compactMap { $0 }.map { .gguf($0.name) }
    encodings += SafetensorsDType.bits.keys.sorted().map { ValueEncoding.safetensors($0) }
    for encoding in encodings {
      let length = bytes.count / encoding.unitBytes * encoding.unitBytes
      buffer.load(bytes, count: length)
      var stats = decoder.summarise(buffer, as: encoding) ?? ValueStats()
      stats.merge(ValueStats())
      _ = ContentHash.of(buffer)
      _ = (stats.mean, stats.standardDeviation, stats.absoluteMaximum, stats.isConstant)
    }
  }
}
