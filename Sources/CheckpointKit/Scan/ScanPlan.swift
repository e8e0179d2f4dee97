/// The work of a scan cut into pieces: every readable tensor's bytes in runs of at most
/// `pieceBytes`, cut at whole elements or blocks, in the catalog's order, which is file order
/// (so the reads go front to back and the kernel's read-ahead pays).
struct ScanPlan: Sendable {
  struct Piece: Sendable {
    var tensor: Int
    var file: Int
    var offset: UInt64
    var length: Int
  }

  /// Per catalog tensor: how its bytes decode, nil when its data is not read (see `skipped`).
  var encodings: [ValueEncoding?]
  var pieces: [Piece]
  /// Index of each tensor's first piece, and how many it has.
  var firstPiece: [Int]
  var pieceCount: [Int]
  /// Tensors past the end of their file.
  var truncated: [Int]
  var tensorBytes: UInt64

  init(catalog: Catalog, fileSizes: [UInt64], pieceBytes: Int) {
    let gguf = catalog.format == .gguf || catalog.format == .splitGGUF
    encodings = []
    pieces = []
    firstPiece = []
    pieceCount = []
    truncated = []
    tensorBytes = 0
    encodings.reserveCapacity(catalog.tensors.count)
    for index in catalog.tensors.indices {
      let tensor = catalog.tensors[index]
      firstPiece.append(pieces.count)
      guard let bytes = tensor.bytes else {
        encodings.append(.undecodable("unknown dtype \(tensor.dtype)"))
        pieceCount.append(0)
        continue
      }
      let fileSize = fileSizes[tensor.file]
      if tensor.offset > fileSize || bytes > fileSize - tensor.offset {
        truncated.append(index)
        encodings.append(nil)
        pieceCount.append(0)
        continue
      }
      let encoding = gguf ? ValueEncoding.gguf(tensor.dtype) : ValueEncoding.safetensors(tensor.dtype)
      encodings.append(encoding)
      if case .undecodable = encoding {
        pieceCount.append(0)
        continue
      }
      let unit = encoding.unitBytes
      let step = UInt64(max(unit, pieceBytes / unit * unit))
      var start: UInt64 = 0
      while start < bytes {
        let length = min(step, bytes - start)
        pieces.append(Piece(tensor: index, file: tensor.file, offset: tensor.offset + start, length: Int(length)))
        start += length
      }
      pieceCount.append(pieces.count - firstPiece[index])
      tensorBytes += bytes
    }
  }
}
