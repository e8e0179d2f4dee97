import Foundation
import Testing
@testable import CheckpointKit

/// `scan` against independent code: per-tensor statistics of real checkpoints computed by numpy
/// (safetensors) and by llama.cpp's gguf-py dequantizers (GGUF), recorded by scripts/scan-oracle;
/// faults planted in copies of real files; the small pieces (statistics, tables, cache blobs).
@Suite struct ScanTests {
  struct OracleRow {
    var dtype: String
    var count: UInt64, nan: UInt64, posInf: UInt64, negInf: UInt64, zeros: UInt64
    var min: Double?, max: Double?, mean: Double?, std: Double?
  }

  static func oracle(_ name: String) -> [String: OracleRow] {
    let path = Paths.root + "/Tests/CheckpointKitTests/Fixtures/scan-oracle/\(name).tsv"
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
      Issue.record("missing \(path)")
      return [:]
    }
    var rows: [String: OracleRow] = [:]
    for line in text.split(separator: "\n").dropFirst() {
      let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      func d(_ s: String) -> Double? { s == "-" ? nil : Double(s) }
      rows[f[0]] = OracleRow(
        dtype: f[1], count: UInt64(f[2])!, nan: UInt64(f[3])!, posInf: UInt64(f[4])!, negInf: UInt64(f[5])!,
        zeros: UInt64(f[6])!, min: d(f[7]), max: d(f[8]), mean: d(f[9]), std: d(f[10]))
    }
    return rows
  }

  /// Counts, min and max exactly; mean and std to 1e-9 of the tensor's scale (the float64 sums
  /// run in another order than numpy's pairwise ones).
  func compare(_ result: ScanResult, with oracle: [String: OracleRow]) {
    #expect(result.tensors.count == oracle.count)
    var compared = 0
    for scan in result.tensors {
      let name = String(result.catalog.tensors[scan.index].name)
      guard let want = oracle[name] else {
        Issue.record("\(name) not in the oracle")
        continue
      }
      guard let got = scan.stats else {
        Issue.record("\(name) (\(want.dtype)) was not decoded")
        continue
      }
      #expect(got.count == want.count, "\(name) count")
      #expect(got.nan == want.nan, "\(name) nan")
      #expect(got.positiveInfinity == want.posInf, "\(name) +inf")
      #expect(got.negativeInfinity == want.negInf, "\(name) -inf")
      #expect(got.zeros == want.zeros, "\(name) zeros")
      #expect(got.min == want.min, "\(name) min")
      #expect(got.max == want.max, "\(name) max")
      let scale = Swift.max(abs(want.mean ?? 0), want.std ?? 0, 1e-30)
      #expect(abs((got.mean ?? .nan) - (want.mean ?? .nan)) <= 1e-9 * scale, "\(name) mean \(got.mean ?? .nan) vs \(want.mean ?? .nan)")
      #expect(abs((got.standardDeviation ?? .nan) - (want.std ?? .nan)) <= 1e-9 * scale, "\(name) std")
      compared += 1
    }
    #expect(compared == oracle.count)
  }

  @Test func miniLMMatchesNumpy() throws {
    let catalog = try CheckpointLoader.load(Paths.real("minilm/model.safetensors"))
    let result = try Scanner.scan(catalog)
    compare(result, with: Self.oracle("minilm"))
    #expect(result.findings.isEmpty)
    #expect(result.status == 0)
    #expect(result.bytesScanned == 22_713_728 * 4 + 512 * 4)
  }

  @Test func fracastInt8MatchesNumpy() throws {
    let catalog = try CheckpointLoader.load(Paths.real("fracast/model.int8.safetensors"))
    let result = try Scanner.scan(catalog, options: threads(1))
    compare(result, with: Self.oracle("fracast-int8"))
  }

  @Test func smolLM2MatchesGGUFPy() throws {
    let catalog = try CheckpointLoader.load(Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"))
    let result = try Scanner.scan(catalog)
    compare(result, with: Self.oracle("smollm2"))
    #expect(result.findings.filter { $0.kind.fails }.isEmpty)
  }

  @Test func resultsDoNotDependOnThreadsOrPieces() throws {
    let catalog = try CheckpointLoader.load(Paths.real("minilm/model.safetensors"))
    var small = ScanOptions()
    small.threads = 3
    small.pieceBytes = 1 << 16
    let a = try Scanner.scan(catalog, options: small)
    let b = try Scanner.scan(catalog, options: threads(1))
    for (x, y) in zip(a.tensors, b.tensors) {
      #expect(x.stats?.count == y.stats?.count)
      #expect(x.stats?.min == y.stats?.min)
      #expect(x.stats?.max == y.stats?.max)
      let scale = Swift.max(abs(y.stats?.mean ?? 0), y.stats?.standardDeviation ?? 0, 1e-30)
      #expect(abs((x.stats?.mean ?? 0) - (y.stats?.mean ?? 0)) <= 1e-12 * scale)
    }
    // Fingerprints depend on the piece size, so only equal pieces give equal fingerprints.
    let c = try Scanner.scan(catalog, options: threads(2))
    #expect(c.tensors.map(\.contentHash) == b.tensors.map(\.contentHash))
  }

  /// The digest and the statistics held within 1 MiB of each other, in 64 KiB pieces, on more
  /// threads than cores: the same checksum and statistics, and no stall.
  @Test func hashAndStatisticsInANarrowWindow() throws {
    let catalog = try CheckpointLoader.load(Paths.real("minilm/model.safetensors"))
    var narrow = hashing()
    narrow.threads = 4
    narrow.pieceBytes = 1 << 16
    narrow.hashWindow = 1 << 20
    let a = try Scanner.scan(catalog, options: narrow)
    let b = try Scanner.scan(catalog, options: hashing())
    #expect(a.files.first?.sha256 == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")
    #expect(b.files.first?.sha256 == a.files.first?.sha256)
    #expect(a.tensors.map { $0.stats?.count } == b.tensors.map { $0.stats?.count })
    #expect(a.tensors.map { $0.stats?.max } == b.tensors.map { $0.stats?.max })
  }

  func threads(_ n: Int) -> ScanOptions {
    var options = ScanOptions()
    options.threads = n
    return options
  }

  // MARK: planted faults

  /// Writes `bytes` at `offset` of a file.
  func patch(_ path: String, at offset: UInt64, _ bytes: [UInt8]) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    try handle.seek(toOffset: offset)
    try handle.write(contentsOf: Data(bytes))
    try handle.close()
  }

  func float32s(_ values: [Float]) -> [UInt8] { values.flatMap { v in withUnsafeBytes(of: v.bitPattern.littleEndian, Array.init) } }

  @Test func plantedFaultsInMiniLM() throws {
    let dir = TempDir()
    let original = Paths.real("minilm/model.safetensors")
    let path = dir.copy(original, as: "model.safetensors")
    let catalog = try CheckpointLoader.load(path)
    func tensor(_ name: String) throws -> TensorRecord { try #require(catalog.tensors.first { $0.name == name }) }
    let query = try tensor("encoder.layer.3.attention.self.query.weight")
    try patch(path, at: query.offset + 40, float32s([.nan, 1, .nan, .nan]))
    let dense = try tensor("encoder.layer.5.output.dense.weight")
    try patch(path, at: dense.offset, float32s([.infinity, -.infinity, .infinity]))
    let key = try tensor("encoder.layer.1.attention.self.key.weight")
    try patch(path, at: key.offset, [UInt8](repeating: 0, count: Int(key.bytes!)))

    let before = try Scanner.scan(try CheckpointLoader.load(original), options: hashing())
    let digest = try #require(before.files.first?.sha256)
    var options = hashing()
    options.expectedSHA256 = digest
    let result = try Scanner.scan(try CheckpointLoader.load(path), options: options)
    let kinds = result.findings.map { "\($0.kind.rawValue) \($0.tensor ?? "-") \($0.count.map(String.init) ?? "-")" }
    #expect(
      kinds == [
        "checksum_mismatch - -",
        "nan encoder.layer.3.attention.self.query.weight 3",
        "inf encoder.layer.5.output.dense.weight 3",
        "all_zero encoder.layer.1.attention.self.key.weight 147456",
      ])
    #expect(result.findings.first?.message.contains(digest) == true)
    #expect(result.status == 1)
    let stats = try #require(result.tensors.first { result.catalog.tensors[$0.index].name == dense.name }?.stats)
    #expect(stats.positiveInfinity == 2)
    #expect(stats.negativeInfinity == 1)
    #expect(stats.finite == dense.elements - 3)
  }

  @Test func flippedByteIsAChecksumMismatch() throws {
    let dir = TempDir()
    let original = Paths.real("minilm/model.safetensors")
    let expected = try #require(try Scanner.scan(try CheckpointLoader.load(original), options: hashing()).files.first?.sha256)
    let path = dir.copy(original, as: "model.safetensors")
    let catalog = try CheckpointLoader.load(path)
    let last = try #require(catalog.tensors.last)
    // One bit of one weight: still a finite number, only the checksum can tell.
    try patch(path, at: last.offset + 1, [0x01])
    var options = hashing()
    options.expectedSHA256 = expected.uppercased()
    let result = try Scanner.scan(try CheckpointLoader.load(path), options: options)
    #expect(result.findings.map(\.kind) == [.checksumMismatch])
    #expect(result.files.first?.sha256Expected == expected)
    #expect(result.files.first?.sha256 != expected)
    #expect(result.status == 1)
  }

  @Test func truncatedGGUFIsAFindingNotACrash() throws {
    let dir = TempDir()
    let original = Paths.real("smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
    let data = try Data(contentsOf: URL(fileURLWithPath: original))
    let path = dir.write("cut.gguf", Array(data.prefix(50_000_000)))
    let catalog = try CheckpointLoader.load(path)
    let result = try Scanner.scan(catalog)
    let truncated = result.findings.filter { $0.kind == .truncated }
    #expect(truncated.count == 1)
    let cutTensors = catalog.tensors.filter { $0.offset + ($0.bytes ?? 0) > 50_000_000 }
    #expect(truncated.first?.count == UInt64(cutTensors.count))
    #expect(truncated.first?.tensor == String(cutTensors[0].name))
    #expect(result.status == 65)
    // The tensors before the cut are still summarised.
    #expect(result.tensors.filter { $0.stats != nil }.count == catalog.tensors.count - cutTensors.count)
  }

  @Test func hubCacheBlobNameIsTheExpectedChecksum() throws {
    let dir = TempDir()
    let original = Paths.real("minilm/model.safetensors")
    let digest = try #require(try Scanner.scan(try CheckpointLoader.load(original), options: hashing()).files.first?.sha256)
    let fm = FileManager.default
    let repo = dir.path + "/models--org--minilm"
    try fm.createDirectory(atPath: repo + "/blobs", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: repo + "/snapshots/abc", withIntermediateDirectories: true)
    try fm.copyItem(atPath: original, toPath: repo + "/blobs/" + digest)
    try fm.createSymbolicLink(atPath: repo + "/snapshots/abc/model.safetensors", withDestinationPath: "../../blobs/" + digest)
    let good = try Scanner.scan(try CheckpointLoader.load(repo + "/snapshots/abc/model.safetensors"))
    #expect(good.files.first?.sha256 == digest)
    #expect(good.files.first?.expectationSource == "hf-cache")
    #expect(good.findings.isEmpty)
    // A blob whose content no longer matches its name.
    let wrong = String(digest.reversed())
    try fm.moveItem(atPath: repo + "/blobs/" + digest, toPath: repo + "/blobs/" + wrong)
    try fm.removeItem(atPath: repo + "/snapshots/abc/model.safetensors")
    try fm.createSymbolicLink(atPath: repo + "/snapshots/abc/model.safetensors", withDestinationPath: "../../blobs/" + wrong)
    let bad = try Scanner.scan(try CheckpointLoader.load(repo + "/snapshots/abc/model.safetensors"))
    #expect(bad.findings.map(\.kind) == [.checksumMismatch])
  }

  func hashing() -> ScanOptions {
    var options = ScanOptions()
    options.sha256 = true
    return options
  }

  // MARK: pieces

  @Test func statisticsMergeLikeOnePass() {
    // Values with a large mean and small spread: where one running sum of squares loses digits.
    let values: [Float] = (0..<10_001).map { 1000 + Float($0 % 17) * 0.001 }
    var whole = ValueStats()
    FloatAccumulator.add(values.span, to: &whole)
    var parts = ValueStats()
    for chunk in stride(from: 0, to: values.count, by: 777) {
      var part = ValueStats()
      FloatAccumulator.add(values.span.extracting(chunk..<min(chunk + 777, values.count)), to: &part)
      parts.merge(part)
    }
    let doubles = values.map(Double.init)
    let mean = doubles.reduce(0, +) / Double(doubles.count)
    let std = (doubles.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(doubles.count)).squareRoot()
    for stats in [whole, parts] {
      #expect(stats.count == 10_001)
      #expect(abs(stats.mean! - mean) < 1e-9)
      #expect(abs(stats.standardDeviation! - std) < 1e-9)
      #expect(stats.min == 1000)
      #expect(stats.max == Double(Float(1000) + Float(16) * 0.001))
    }
  }

  /// 16-bit pieces go through a histogram when large and value by value when small (a norm's few
  /// hundred values): both give the same statistics, special values included.
  @Test func smallAndLargeHalfPiecesAgree() {
    var patterns: [UInt16] = (0..<40_000).map { UInt16(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 7) }
    patterns[5] = 0x7E00  // NaN
    patterns[6] = 0x7C00  // +Inf
    patterns[7] = 0x0000
    let bytes = patterns.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    var decoder = PieceDecoder()
    let encoding = ValueEncoding.safetensors("F16")
    let whole = ChunkBuffer(capacity: bytes.count)
    whole.load(bytes, count: bytes.count)
    let big = decoder.summarise(whole, as: encoding)!
    var parts = ValueStats()
    for start in stride(from: 0, to: bytes.count, by: 8_000) {
      let piece = ChunkBuffer(capacity: 8_000)
      piece.load(Array(bytes[start..<min(start + 8_000, bytes.count)]), count: min(8_000, bytes.count - start))
      parts.merge(decoder.summarise(piece, as: encoding)!)
    }
    let values = patterns.map { Double(Float(Float16(bitPattern: $0))) }
    let finite = values.filter(\.isFinite)
    #expect(big.count == 40_000 && parts.count == 40_000)
    #expect(big.nan == UInt64(values.filter(\.isNaN).count) && parts.nan == big.nan)
    #expect(big.positiveInfinity == parts.positiveInfinity && big.negativeInfinity == parts.negativeInfinity)
    #expect(big.zeros == UInt64(finite.filter { $0 == 0 }.count) && parts.zeros == big.zeros)
    #expect(big.min == finite.min() && parts.min == big.min)
    #expect(big.max == finite.max() && parts.max == big.max)
    let scale = big.standardDeviation!
    #expect(abs(big.mean! - parts.mean!) <= 1e-12 * scale)
    #expect(abs(big.standardDeviation! - parts.standardDeviation!) <= 1e-12 * scale)
  }

  @Test func specialValuesAreCountedApart() {
    let values: [Float] = [1, .nan, -2, .infinity, 0, -0.0, -.infinity, .infinity, 3]
    var stats = ValueStats()
    FloatAccumulator.add(values.span, to: &stats)
    #expect(stats.nan == 1)
    #expect(stats.positiveInfinity == 2)
    #expect(stats.negativeInfinity == 1)
    #expect(stats.zeros == 2)
    #expect(stats.finite == 5)
    #expect(stats.min == -2)
    #expect(stats.max == 3)
    #expect(stats.mean == 0.4)
    #expect(stats.absoluteMaximum == 3)
  }

  /// The 8-bit float tables against the formats' published extremes (OCP MX spec, PyTorch).
  @Test func eightBitFloatTables() {
    let e4m3 = PatternTables.float8E4M3
    #expect(e4m3[0x7E] == 448)
    #expect(e4m3[0x7F].isNaN)
    #expect(e4m3[0xFE] == -448)
    #expect(e4m3[0x01] == 0.001953125)  // 2^-9, the smallest subnormal
    #expect(e4m3.filter(\.isNaN).count == 2)
    let e5m2 = PatternTables.float8E5M2
    #expect(e5m2[0x7B] == 57344)
    #expect(e5m2[0x7C] == .infinity)
    #expect(e5m2[0xFC] == -.infinity)
    #expect(e5m2.filter(\.isNaN).count == 6)
    #expect(PatternTables.float8E4M3FNUZ[0x7F] == 240)
    #expect(PatternTables.float8E4M3FNUZ[0x80].isNaN)
    #expect(PatternTables.float8E4M3FNUZ.filter(\.isNaN).count == 1)
    #expect(PatternTables.float8E5M2FNUZ[0x7F] == 57344)
    #expect(PatternTables.float8E8M0[127] == 1)
    #expect(PatternTables.float8E8M0[0] == 0x1p-127)
    #expect(PatternTables.float4E2M1[0..<8].map { $0 } == [0, 0.5, 1, 1.5, 2, 3, 4, 6])
    #expect(PatternTables.float4E2M1[15] == -6)
    #expect(PatternTables.bfloat16[0x3F80] == 1)
    #expect(PatternTables.float16[0x3C00] == 1)
    #expect(PatternTables.float16[0x7C00] == .infinity)
  }

  /// The small safetensors dtypes end to end through the scanner: values from the formats'
  /// definitions, a type it cannot decode named, not skipped.
  @Test func smallDtypesThroughTheScanner() throws {
    let dir = TempDir()
    var data: [UInt8] = []
    var entries: [String] = []
    func add(_ name: String, _ dtype: String, _ shape: [Int], _ raw: [UInt8]) {
      entries.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(data.count),\(data.count + raw.count)]}")
      data += raw
    }
    add("x.e4m3", "F8_E4M3", [4, 4], Array([[UInt8]](repeating: [0x7E, 0xFE, 0x01, 0x00], count: 4).joined()))
    add("x.mask", "BOOL", [8], [0, 1, 1, 0, 1, 0, 0, 2])
    add("x.f4", "F4", [2, 4], [0x21, 0x43, 0x65, 0xF7])
    add("x.f6", "F6_E2M3", [4], [1, 2, 3])
    add("x.nan", "F32", [2], [0x00, 0x00, 0xC0, 0x7F, 0x00, 0x00, 0xC0, 0x7F])
    let path = dir.write("types.safetensors", Bytes.safetensors("{" + entries.joined(separator: ",") + "}") + data)
    let result = try Scanner.scan(try CheckpointLoader.load(path))
    func stats(_ name: String) -> ValueStats? { result.tensors.first { result.catalog.tensors[$0.index].name == name }?.stats }
    #expect(stats("x.e4m3")?.min == -448)
    #expect(stats("x.e4m3")?.max == 448)
    #expect(stats("x.e4m3")?.zeros == 4)
    #expect(stats("x.mask")?.mean == 0.5)
    #expect(stats("x.f4")?.count == 8)
    #expect(stats("x.f4")?.mean == (0.5 + 1 + 1.5 + 2 + 3 + 4 + 6 - 6) / 8)
    #expect(stats("x.f6") == nil)
    #expect(stats("x.nan")?.nan == 2)
    #expect(stats("x.nan")?.min == nil)
    #expect(result.findings.map(\.kind) == [.nan, .notDecoded])
    #expect(result.findings.last?.tensor == "x.f6")
  }

  @Test func remoteAndCompressedInputsAreRefused() throws {
    var catalog = Catalog(path: "x", format: .safetensors, files: [FileInfo(path: "x.safetensors.zst", bytes: 10, headerBytes: 8, dataStart: 8, compression: "zstd")], metadata: [], tensors: [], details: FormatDetails(), warnings: [])
    let error = caught { try Scanner.scan(catalog) }
    #expect(error?.description.contains("decompress it first") == true)
    catalog.files[0].compression = nil
    catalog.files[0].sourceURL = "https://example.com/x.safetensors"
    #expect(caught { try Scanner.scan(catalog) }?.description.contains("local files only") == true)
  }
}
