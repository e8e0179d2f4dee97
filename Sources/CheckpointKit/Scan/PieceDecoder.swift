/// Summarises one piece of a tensor held in a chunk buffer. One per worker thread: it owns the
/// scratch space every piece reuses, so nothing is allocated per piece or per value.
struct PieceDecoder {
  private var histogram16 = PatternHistogram(patterns: 65536)
  private var histogram8 = PatternHistogram(patterns: 256)
  private var floats = [Float](repeating: 0, count: FloatAccumulator.batch * 2)
  private var tail: [Float] = []
  private var doubles = [Double](repeating: 0, count: FloatAccumulator.batch)

  /// Below this many 16-bit values, a piece is summarised value by value instead of by histogram.
  static let smallPiece = 16_384

  /// Statistics of the values in `buffer`, or nil when a block type has no decoder here.
  mutating func summarise(_ buffer: ChunkBuffer, as encoding: ValueEncoding) -> ValueStats? {
    var stats = ValueStats()
    switch encoding {
    case .float32:
      buffer.withElements(of: Float.self) { FloatAccumulator.add($0, to: &stats) }
    case .float64:
      buffer.withElements(of: Double.self) { FloatAccumulator.add($0, to: &stats) }
    case .patterns16(let table):
      // A histogram costs its 65,536 slots once per piece: for a small tensor (a norm's few
      // hundred values) looking each value up is cheaper.
      if buffer.count / 2 < Self.smallPiece {
        buffer.withElements(of: UInt16.self) { values in convert(values.count, into: &stats) { table[Int(values[$0])] } }
      } else {
        buffer.withElements(of: UInt16.self) { histogram16.count($0) }
        histogram16.flush(through: table, into: &stats)
      }
    case .patterns8(let table):
      buffer.withBytes { histogram8.count($0) }
      histogram8.flush(through: table, into: &stats)
    case .float4:
      buffer.withBytes { bytes in decodeFloat4(bytes, into: &stats) }
    case .int32:
      buffer.withElements(of: Int32.self) { values in convert(values.count, into: &stats) { Double(values[$0]) } }
    case .uint32:
      buffer.withElements(of: UInt32.self) { values in convert(values.count, into: &stats) { Double(values[$0]) } }
    case .int64:
      buffer.withElements(of: Int64.self) { values in convert(values.count, into: &stats) { Double(values[$0]) } }
    case .uint64:
      buffer.withElements(of: UInt64.self) { values in convert(values.count, into: &stats) { Double(values[$0]) } }
    case .blocks(let type):
      guard decodeBlocks(buffer, type, into: &stats) else { return nil }
    case .undecodable:
      return nil
    }
    return stats
  }

  /// Values converted to Float64 a batch at a time (64-bit integers beyond 2^53 are rounded).
  private mutating func convert(_ count: Int, into stats: inout ValueStats, _ value: (Int) -> Double) {
    var start = 0
    while start < count {
      let end = min(start + doubles.count, count)
      var out = doubles.mutableSpan
      for i in start..<end { out[i - start] = value(i) }
      FloatAccumulator.add(doubles.span.extracting(0..<(end - start)), to: &stats)
      start = end
    }
  }

  private mutating func decodeFloat4(_ bytes: Span<UInt8>, into stats: inout ValueStats) {
    let table = PatternTables.float4E2M1.map { Float($0) }
    if floats.count != FloatAccumulator.batch * 2 { floats = [Float](repeating: 0, count: FloatAccumulator.batch * 2) }
    let perBatch = floats.count / 2
    var start = 0
    while start < bytes.count {
      let end = min(start + perBatch, bytes.count)
      var out = floats.mutableSpan
      for i in start..<end {
        let byte = bytes[i]
        out[2 * (i - start)] = table[Int(byte & 15)]
        out[2 * (i - start) + 1] = table[Int(byte >> 4)]
      }
      FloatAccumulator.add(floats.span.extracting(0..<(2 * (end - start))), to: &stats)
      start = end
    }
  }

  /// Block types: decoded a few blocks at a time into the float scratch, then summarised.
  private mutating func decodeBlocks(_ buffer: ChunkBuffer, _ type: GGMLType, into stats: inout ValueStats) -> Bool {
    let blockBytes = Int(type.blockBytes), blockElements = Int(type.blockElements)
    let blocksPerBatch = max(1, FloatAccumulator.batch * 2 / blockElements)
    if floats.count != blocksPerBatch * blockElements { floats = [Float](repeating: 0, count: blocksPerBatch * blockElements) }
    return buffer.withBytes { bytes in
      let blocks = bytes.count / blockBytes
      var block = 0
      while block < blocks {
        let n = min(blocksPerBatch, blocks - block)
        let source = bytes.extracting((block * blockBytes)..<((block + n) * blockBytes))
        // The decoder fills exactly its blocks' values: a short last batch gets its own scratch
        // (one allocation per piece at most).
        if n != blocksPerBatch && tail.count != n * blockElements { tail = [Float](repeating: 0, count: n * blockElements) }
        if n == blocksPerBatch {
          var out = floats.mutableSpan
          guard GGMLDequantizer.decode(typeID: type.id, source, into: &out) else { return false }
          FloatAccumulator.add(floats.span, to: &stats)
        } else {
          var out = tail.mutableSpan
          guard GGMLDequantizer.decode(typeID: type.id, source, into: &out) else { return false }
          FloatAccumulator.add(tail.span, to: &stats)
        }
        block += n
      }
      return true
    }
  }
}
