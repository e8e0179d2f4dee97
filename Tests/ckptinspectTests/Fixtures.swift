import Foundation

/// Checkpoints the presentation tests write: shaped like real ones where it matters (names,
/// dimensions, metadata), headers only (the data is a hole in a sparse file, or a few bytes).
enum Fixtures {
  /// A Mixtral-8x7B-Instruct Q4_K_M GGUF as llama.cpp writes it: 323 tensors with the real
  /// dimensions (30 GB, sparse), `general.file_type` 15 and `general.parameter_count`.
  static func mixtralGGUF(in dir: TempDir) throws -> String {
    var w = GGUFWriter()
    w.string("general.architecture", "llama")
    w.string("general.name", "mistralai_mixtral-8x7b-instruct-v0.1")
    w.uint32("general.file_type", 15)
    w.uint64("general.parameter_count", 46_702_792_704)
    for (key, value) in [
      ("block_count", 32), ("context_length", 32768), ("embedding_length", 4096), ("feed_forward_length", 14336),
      ("attention.head_count", 32), ("attention.head_count_kv", 8), ("expert_count", 8), ("expert_used_count", 2),
      ("vocab_size", 32000),
    ] {
      w.uint32("llama." + key, UInt32(value))
    }
    let q4k = GGUFWriter.TensorType(id: 12, block: 256, bytes: 144)
    let q6k = GGUFWriter.TensorType(id: 14, block: 256, bytes: 210)
    let f32 = GGUFWriter.TensorType(id: 0, block: 1, bytes: 4)
    w.tensor("token_embd.weight", [4096, 32000], q4k)
    for l in 0..<32 {
      let p = "blk.\(l)."
      w.tensor(p + "attn_norm.weight", [4096], f32)
      w.tensor(p + "attn_q.weight", [4096, 4096], q4k)
      w.tensor(p + "attn_k.weight", [4096, 1024], q4k)
      w.tensor(p + "attn_v.weight", [4096, 1024], q6k)
      w.tensor(p + "attn_output.weight", [4096, 4096], q4k)
      w.tensor(p + "ffn_gate_inp.weight", [4096, 8], f32)
      w.tensor(p + "ffn_norm.weight", [4096], f32)
      w.tensor(p + "ffn_gate_exps.weight", [4096, 14336, 8], q4k)
      w.tensor(p + "ffn_down_exps.weight", [14336, 4096, 8], q6k)
      w.tensor(p + "ffn_up_exps.weight", [4096, 14336, 8], q4k)
    }
    w.tensor("output_norm.weight", [4096], f32)
    w.tensor("output.weight", [4096, 32000], q6k)
    return try w.write(to: dir.path + "/Mixtral-8x7B-Instruct-v0.1.Q4_K_M.gguf")
  }

  /// A Gemma-3-style multimodal safetensors: Hugging Face names of 32 to 73 characters.
  static func longNames(in dir: TempDir) -> String {
    var entries: [(String, [Int])] = [("model.language_model.embed_tokens.weight", [64, 16])]
    for l in 0..<2 {
      let p = "model.language_model.layers.\(l)."
      for m in ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"] {
        entries.append((p + m + ".weight", [16, 16]))
      }
      entries += [(p + "input_layernorm.weight", [16]), (p + "post_attention_layernorm.weight", [16])]
    }
    entries += [
      ("model.vision_tower.vision_model.encoder.layers.0.self_attn.q_proj.weight", [16, 16]),
      ("model.multi_modal_projector.mm_input_projection_weight", [16, 16]),
      ("model.language_model.norm.weight", [16]),
    ]
    return safetensors(entries, dtype: "BF16", width: 2, in: dir, name: "gemma-mm.safetensors")
  }

  /// A safetensors file of `entries` (name, shape), all of `dtype`.
  static func safetensors(_ entries: [(String, [Int])], dtype: String, width: Int, in dir: TempDir, name: String) -> String {
    var offset = 0
    var fields: [String] = []
    for (name, shape) in entries {
      let n = shape.reduce(1, *) * width
      fields.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + n)]}")
      offset += n
    }
    let header = Array(("{" + fields.joined(separator: ",") + "}").utf8)
    var bytes: [UInt8] = []
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
    return dir.write(name, bytes + header + [UInt8](repeating: 0, count: offset))
  }
}

/// A little-endian GGUF v3 writer: metadata, tensor infos, then the data as a hole.
struct GGUFWriter {
  struct TensorType {
    var id: UInt32
    var block: Int
    var bytes: Int
  }

  var header: [UInt8] = []
  var kvCount = 0
  var infos: [UInt8] = []
  var tensorCount = 0
  var dataBytes = 0

  static func int<T: FixedWidthInteger>(_ v: T, into bytes: inout [UInt8]) {
    withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
  }

  static func string(_ s: String, into bytes: inout [UInt8]) {
    Self.int(UInt64(s.utf8.count), into: &bytes)
    bytes += Array(s.utf8)
  }

  mutating func string(_ key: String, _ value: String) {
    Self.string(key, into: &header)
    Self.int(UInt32(8), into: &header)
    Self.string(value, into: &header)
    kvCount += 1
  }

  mutating func uint32(_ key: String, _ value: UInt32) {
    Self.string(key, into: &header)
    Self.int(UInt32(4), into: &header)
    Self.int(value, into: &header)
    kvCount += 1
  }

  mutating func uint64(_ key: String, _ value: UInt64) {
    Self.string(key, into: &header)
    Self.int(UInt32(10), into: &header)
    Self.int(value, into: &header)
    kvCount += 1
  }

  /// A tensor of ggml dimensions `dims` (ne[0] first), its data after the previous one's.
  mutating func tensor(_ name: String, _ dims: [Int], _ type: TensorType) {
    Self.string(name, into: &infos)
    Self.int(UInt32(dims.count), into: &infos)
    for d in dims { Self.int(UInt64(d), into: &infos) }
    Self.int(type.id, into: &infos)
    Self.int(UInt64(dataBytes), into: &infos)
    dataBytes += (dims.reduce(1, *) / type.block * type.bytes + 31) / 32 * 32
    tensorCount += 1
  }

  /// Writes the header and extends the file over the data without writing it.
  func write(to path: String) throws -> String {
    var bytes: [UInt8] = Array("GGUF".utf8)
    Self.int(UInt32(3), into: &bytes)
    Self.int(UInt64(tensorCount), into: &bytes)
    Self.int(UInt64(kvCount), into: &bytes)
    bytes += header + infos
    bytes += [UInt8](repeating: 0, count: (32 - bytes.count % 32) % 32)
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.truncate(atOffset: UInt64(bytes.count + dataBytes))
    try handle.close()
    return path
  }
}
