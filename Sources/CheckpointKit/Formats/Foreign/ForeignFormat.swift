/// What people point the tool at that is not a checkpoint it reads, told by the first bytes:
/// each with what it is and what to do. Such a file is not malformed (exit 65) but another
/// format (exit 67), and the message says so in one line.
public enum ForeignFormat: Equatable, Sendable {
  case gitLFSPointer(bytes: Int)
  case html
  case json
  case pytorchZip
  case numpyZip
  case zip
  case pickle
  case numpy
  case onnx
  /// ggml's formats before GGUF (2023): `ggml`, `ggmf`, `ggjt`, `ggla`.
  case legacyGGML(String)

  public var description: String {
    switch self {
    case .gitLFSPointer(let bytes):
      return "a Git LFS pointer (\(bytes) bytes), not the file it points to: run `git lfs pull` in the clone (after `git lfs install`), or download the file itself"
    case .html:
      return "an HTML page, not a checkpoint (an error or login page saved under the checkpoint's name?): download the file itself"
    case .json:
      return "a JSON document, not a checkpoint (an error answer saved under the checkpoint's name? an index is read under its own name, *.index.json)"
    case .pytorchZip:
      return "a PyTorch checkpoint (zip with a pickle, .bin/.pt/.pth): convert it to safetensors (e.g. with transformers' save_pretrained) to inspect it without running its pickle"
    case .numpyZip: return "a NumPy .npz archive, not a safetensors or GGUF checkpoint"
    case .zip: return "a zip archive, not a safetensors or GGUF checkpoint"
    case .pickle:
      return "a Python pickle (a legacy PyTorch .bin/.pt): convert it to safetensors to inspect it without running its code"
    case .numpy: return "a NumPy .npy array, not a safetensors or GGUF checkpoint"
    case .onnx: return "an ONNX model, not a safetensors or GGUF checkpoint"
    case .legacyGGML(let magic):
      return "a legacy '\(magic)' file (ggml's format before GGUF): convert it with llama.cpp's convert_llama_ggml_to_gguf.py"
    }
  }

  /// What `bytes` (the start of a file) are, when they are one of these; `name` breaks ties
  /// that bytes alone cannot (ONNX has no magic).
  public static func identify(_ bytes: Span<UInt8>, name: String) -> ForeignFormat? {
    func starts(with text: String) -> Bool {
      let prefix = text.utf8.span
      return bytes.count >= prefix.count && bytes.extracting(first: prefix.count).bytesEqual(prefix)
    }
    /// The bytes from `start`, at most `limit` of them, as text.
    func text(from start: Int, limit: Int) -> String {
      bytes.extracting(droppingFirst: start).extracting(first: limit).decodedString
    }
    if starts(with: "version https://git-lfs") { return .gitLFSPointer(bytes: bytes.count) }
    // ggml wrote its magic as a little-endian uint32: 'ggjt' is stored "tjgg".
    for (stored, magic) in [("lmgg", "ggml"), ("fmgg", "ggmf"), ("tjgg", "ggjt"), ("algg", "ggla")] where starts(with: stored) {
      return .legacyGGML(magic)
    }
    if starts(with: "PK\u{03}\u{04}") {
      // The first member's name follows the 30-byte local header: PyTorch's is ".../data.pkl"
      // or ".../version", NumPy's "*.npy".
      let head = text(from: 0, limit: 512)
      if head.contains("data.pkl") || head.contains("/version") || head.contains("/byteorder") { return .pytorchZip }
      if head.contains(".npy") { return .numpyZip }
      return .zip
    }
    if bytes.count >= 6 && bytes[0] == 0x93 && bytes.extracting(1..<6).bytesEqual("NUMPY") { return .numpy }
    // Pickle protocol 2 to 5: 0x80 then the protocol number.
    if bytes.count >= 2 && bytes[0] == 0x80 && (2...5).contains(bytes[1]) { return .pickle }
    // Text: skip leading whitespace and a UTF-8 byte order mark.
    var i = 0
    if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { i = 3 }
    while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
    if i < bytes.count {
      let rest = text(from: i, limit: 64).lowercased()
      if rest.hasPrefix("<!doctype html") || rest.hasPrefix("<html") || rest.hasPrefix("<head") { return .html }
      if bytes[i] == UInt8(ascii: "{") || bytes[i] == UInt8(ascii: "[") { return .json }
    }
    if name.hasSuffix(".onnx") { return .onnx }
    // ONNX's ModelProto opens with ir_version (field 1, varint: 0x08 and a small number), then
    // usually the opset or producer fields (0x12, 0x1A, 0x3A, 0x42).
    if bytes.count >= 3 && bytes[0] == 0x08 && (1...20).contains(bytes[1]) && [0x12, 0x1A, 0x22, 0x3A, 0x42].contains(bytes[2]) {
      return .onnx
    }
    return nil
  }
}
