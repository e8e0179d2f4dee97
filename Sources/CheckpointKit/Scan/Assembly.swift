/// Puts the pieces back together: per-tensor statistics and fingerprints, per-file checksums,
/// and the findings, most important first.
enum Assembly {
  static func result(
    catalog: Catalog, plan: ScanPlan, pieces: [PieceResult?], fileSizes: [UInt64], digests: [String],
    expectations: [(String, String)?], seconds: Double
  ) -> ScanResult {
    var tensors: [ScanResult.TensorScan] = []
    tensors.reserveCapacity(catalog.tensors.count)
    var findings: [ScanFinding] = []
    var notes: [ScanFinding] = []
    var scannedBytes: UInt64 = 0

    // Truncation first: a download that stopped early explains every later finding.
    var truncatedByFile: [Int: [Int]] = [:]
    for index in plan.truncated { truncatedByFile[catalog.tensors[index].file, default: []].append(index) }
    for file in truncatedByFile.keys.sorted() {
      let indices = truncatedByFile[file]!
      let first = catalog.tensors[indices[0]]
      let path = catalog.files[file].path
      let needed = indices.map { catalog.tensors[$0].offset + (catalog.tensors[$0].bytes ?? 0) }.max() ?? 0
      findings.append(
        ScanFinding(
          kind: .truncated, tensor: String(first.name), file: path, count: UInt64(indices.count),
          message: "\(path): data ends at byte \(fileSizes[file]), before the end of \(String(first.name))"
            + (indices.count > 1 ? " and \(indices.count - 1) more tensor\(indices.count == 2 ? "" : "s")" : "")
            + " (the data needs \(needed) bytes)"))
    }

    var files: [ScanResult.FileScan] = []
    for (index, info) in catalog.files.enumerated() {
      var file = ScanResult.FileScan(path: info.path, bytes: fileSizes[index])
      if index < digests.count { file.sha256 = digests[index] }
      if let (expected, source) = expectations[index] {
        file.sha256Expected = expected
        file.expectationSource = source
        if let actual = file.sha256, actual != expected {
          let whence = source == "hf-cache" ? "its Hugging Face cache blob name" : "--expect-sha256"
          findings.append(
            ScanFinding(
              kind: .checksumMismatch, file: info.path,
              message: "\(info.path): sha256 \(actual) differs from \(expected) (\(whence))"))
        }
      }
      files.append(file)
    }

    var nanFindings: [ScanFinding] = [], infFindings: [ScanFinding] = [], zeroFindings: [ScanFinding] = []
    var byContent: [ContentKey: Int] = [:]
    for index in catalog.tensors.indices {
      let tensor = catalog.tensors[index]
      let name = String(tensor.name)
      var scan = ScanResult.TensorScan(index: index, stats: nil, contentHash: nil)
      let count = plan.pieceCount[index]
      if count > 0 {
        let first = plan.firstPiece[index]
        var stats: ValueStats? = ValueStats()
        var hashes: [UInt64] = []
        hashes.reserveCapacity(count)
        for p in first..<(first + count) {
          guard let piece = pieces[p] else { continue }
          hashes.append(piece.hash)
          if let part = piece.stats { stats?.merge(part) } else { stats = nil }
        }
        scannedBytes += tensor.bytes ?? 0
        scan.contentHash = ContentHash.combine(hashes)
        scan.stats = stats
      }
      if let stats = scan.stats {
        if stats.nan > 0 {
          nanFindings.append(ScanFinding(kind: .nan, tensor: name, count: stats.nan, message: "\(name): \(stats.nan) NaN"))
        }
        let infinities = stats.positiveInfinity + stats.negativeInfinity
        if infinities > 0 {
          infFindings.append(
            ScanFinding(
              kind: .inf, tensor: name, count: infinities,
              message: "\(name): \(infinities) infinite (\(stats.positiveInfinity) +Inf, \(stats.negativeInfinity) -Inf)"))
        }
        if stats.isAllZero && isWeight(tensor) {
          zeroFindings.append(ScanFinding(kind: .allZero, tensor: name, count: stats.count, message: "\(name): all zero"))
        } else if stats.isConstant && !stats.isAllZero && tensor.shape.count >= 2 && isWeight(tensor) {
          notes.append(
            ScanFinding(
              kind: .constant, tensor: name, count: stats.count,
              message: "\(name): every value is \(TextNumber.short(stats.min ?? 0))"))
        }
        // Matrices only: small vectors (biases, norms of an untrained model) repeat by chance.
        if !stats.isConstant, tensor.shape.count >= 2, let hash = scan.contentHash, let bytes = tensor.bytes, bytes >= 4096 {
          let key = ContentKey(hash: hash, bytes: bytes, dtype: tensor.dtype)
          if let earlier = byContent[key] {
            let other = catalog.tensors[earlier]
            let tied = Set([other.component, tensor.component]) == [.embedding, .head]
            notes.append(
              ScanFinding(
                kind: .duplicate, tensor: name, count: nil,
                message: "\(name): byte-identical to \(other.name)"
                  + (tied ? " (a head tied to the embedding by content, stored twice)" : " (stored twice)")))
          } else {
            byContent[key] = index
          }
        }
      } else if plan.encodings[index] != nil {
        let reason: String
        if case .undecodable(let why)? = plan.encodings[index] { reason = why } else { reason = "\(tensor.dtype) has no decoder" }
        notes.append(ScanFinding(kind: .notDecoded, tensor: name, message: "\(name): not decoded: \(reason)"))
      }
      tensors.append(scan)
    }
    findings += nanFindings + infFindings + zeroFindings + notes
    return ScanResult(
      catalog: catalog, tensors: tensors, files: files, findings: findings, bytesScanned: scannedBytes, seconds: seconds)
  }

  /// Learned weights, where an all-zero tensor means a failed conversion or a broken merge;
  /// biases and buffers may legitimately be zero.
  static func isWeight(_ tensor: TensorRecord) -> Bool {
    tensor.role == .parameter && (tensor.name.hasSuffix("weight") || tensor.name.hasSuffix("weight_packed") || tensor.shape.count >= 2)
  }

  struct ContentKey: Hashable {
    var hash: UInt64
    var bytes: UInt64
    var dtype: String
  }
}

/// Numbers in findings: short, without a trailing `.0`.
enum TextNumber {
  static func short(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
    return String(value)
  }
}
