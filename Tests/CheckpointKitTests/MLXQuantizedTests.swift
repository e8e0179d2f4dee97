import Foundation
import Testing
@testable import CheckpointKit

/// MLX-quantized checkpoints as mlx-lm writes them: each quantized module `X` stores a U32
/// `X.weight` of shape [..., in x bits / 32], and `X.scales` and `X.biases` of shape
/// [..., in / group_size]; config.json holds `"quantization": {"group_size": 64, "bits": 4}`
/// with an entry per module where a mixed recipe chose other bits.
@Suite struct MLXQuantizedTests {
  static let widths = ["U32": 4, "F16": 2, "BF16": 2, "U8": 1, "F32": 4]

  /// Writes `model.safetensors` (and `config.json` when given) into a fresh directory.
  static func write(_ entries: [(String, String, [Int])], config: String?) -> TempDir {
    var offset = 0
    var fields: [String] = [#""__metadata__":{"format":"mlx"}"#]
    for (name, dtype, shape) in entries {
      let n = shape.reduce(1, *) * widths[dtype]!
      fields.append("\"\(name)\":{\"dtype\":\"\(dtype)\",\"shape\":\(shape),\"data_offsets\":[\(offset),\(offset + n)]}")
      offset += n
    }
    let tmp = TempDir()
    tmp.write("model.safetensors", Bytes.safetensors("{" + fields.joined(separator: ",") + "}", dataBytes: offset))
    if let config { tmp.write("config.json", config) }
    return tmp
  }

  /// A quantized module: U32 weight [rows..., in x bits / 32], F16 scales and biases [rows..., in / group].
  static func quantized(_ name: String, _ rows: [Int], in width: Int, bits: Int, group: Int = 64, biases: Bool = true)
    -> [(String, String, [Int])]
  {
    var entries = [(name + ".weight", "U32", rows + [width * bits / 32]), (name + ".scales", "F16", rows + [width / group])]
    if biases { entries.append((name + ".biases", "F16", rows + [width / group])) }
    return entries
  }

  /// A one-layer Llama (vocab 256, hidden 128, FFN 256, 2 heads of 64, 1 KV head, untied) at
  /// 4 bits in groups of 64, with lm_head at 8 bits as mlx-lm records a per-module choice.
  /// It holds 2 x 256 x 128 (embedding, head) + 128 x (128 + 64 + 64 + 128) (attention)
  /// + 3 x 128 x 256 (FFN) + 3 x 128 (norms) = 213,376 weights, what the llama formula of its
  /// config gives; stored, that is 30,720 U32 words, 384 F16 norm weights and 6,656 scales and biases.
  @Test func llamaAt4BitsWithAn8BitHead() throws {
    var entries = Self.quantized("model.embed_tokens", [256], in: 128, bits: 4)
    entries += Self.quantized("model.layers.0.self_attn.q_proj", [128], in: 128, bits: 4)
    entries += Self.quantized("model.layers.0.self_attn.k_proj", [64], in: 128, bits: 4)
    entries += Self.quantized("model.layers.0.self_attn.v_proj", [64], in: 128, bits: 4)
    entries += Self.quantized("model.layers.0.self_attn.o_proj", [128], in: 128, bits: 4)
    entries += Self.quantized("model.layers.0.mlp.gate_proj", [256], in: 128, bits: 4)
    entries += Self.quantized("model.layers.0.mlp.up_proj", [256], in: 128, bits: 4)
    entries += Self.quantized("model.layers.0.mlp.down_proj", [128], in: 256, bits: 4)
    entries += [
      ("model.layers.0.input_layernorm.weight", "F16", [128]), ("model.layers.0.post_attention_layernorm.weight", "F16", [128]),
      ("model.norm.weight", "F16", [128]),
    ]
    entries += Self.quantized("lm_head", [256], in: 128, bits: 8)
    let tmp = Self.write(
      entries,
      config: #"{"model_type":"llama","vocab_size":256,"hidden_size":128,"num_hidden_layers":1,"intermediate_size":256,"num_attention_heads":2,"num_key_value_heads":1,"tie_word_embeddings":false,"quantization":{"group_size":64,"bits":4,"lm_head":{"group_size":64,"bits":8}},"quantization_config":{"group_size":64,"bits":4,"lm_head":{"group_size":64,"bits":8}}}"#)
    let catalog = try CheckpointLoader.load(tmp.path)
    let s = Counter.count(catalog)
    #expect(s.totals.parameters == 213_376)
    #expect(s.totals.quantAuxElements == 6_656)
    #expect(s.totals.packedTensors == 9)
    #expect(s.totals.packedStoredElements == 30_720)
    #expect(s.parameters(of: .embedding) == 32_768)
    #expect(s.parameters(of: .head) == 32_768)
    #expect(s.parameters(of: .attention) == 49_152)
    #expect(s.parameters(of: .ffn) == 98_304)
    #expect(catalog.tensors.filter { $0.name.hasSuffix(".biases") }.allSatisfy { $0.role == .quantAux })
    #expect(s.tiedHead.state == .untied)
    let audit = Auditor.audit(catalog, s, config: ConfigFile.find(for: catalog))
    let row = try #require(audit.reported.first { $0.source == "config.json (llama)" })
    #expect(row.value == 213_376)
    #expect(row.ok)
    #expect(audit.passed)
  }

  /// What the Hub shows for such a checkpoint is every stored element: for the 4-bit model above
  /// that is 30,720 U32 words + 384 norm weights + 6,656 scales and biases = 37,760, about 0.038M,
  /// against 213,376 weights. A name claiming it is explained, not a finding.
  @Test func storedElementCountIsExplained() throws {
    var entries = Self.quantized("model.embed_tokens", [256], in: 128, bits: 4)
    for (name, rows, width) in [("q_proj", 128, 128), ("k_proj", 64, 128), ("v_proj", 64, 128), ("o_proj", 128, 128)] {
      entries += Self.quantized("model.layers.0.self_attn." + name, [rows], in: width, bits: 4)
    }
    for (name, rows, width) in [("gate_proj", 256, 128), ("up_proj", 256, 128), ("down_proj", 128, 256)] {
      entries += Self.quantized("model.layers.0.mlp." + name, [rows], in: width, bits: 4)
    }
    entries += [
      ("model.layers.0.input_layernorm.weight", "F16", [128]), ("model.layers.0.post_attention_layernorm.weight", "F16", [128]),
      ("model.norm.weight", "F16", [128]),
    ]
    entries += Self.quantized("lm_head", [256], in: 128, bits: 8)
    let tmp = Self.write(entries, config: #"{"quantization":{"group_size":64,"bits":4,"lm_head":{"group_size":64,"bits":8}}}"#)
    let named = TempDir()
    let directory = named.path + "/Tiny-0.038M-mlx"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
    for file in ["model.safetensors", "config.json"] { try FileManager.default.copyItem(atPath: tmp.path + "/" + file, toPath: directory + "/" + file) }
    let catalog = try CheckpointLoader.load(directory)
    let audit = Auditor.audit(catalog, Counter.count(catalog), config: ConfigFile.find(for: catalog))
    let label = try #require(audit.reported.first { $0.source == "file name" })
    #expect(label.actual == 213_376)
    #expect(!label.ok)
    #expect(label.explainedBy == ["counts every stored element (packed words with their scales, zero points or biases), not the weights they hold"])
    #expect(audit.passed)
  }

  /// A mixed recipe: a 3-bit MoE `switch_mlp` (4 experts, [4, 128, 256 x 3 / 32]) recorded in the
  /// config, and a 6-bit projection the config does not record, whose width its 2 groups of 64
  /// give (128 inputs, 128 x 6 / 32 = 24 words a row).
  @Test func perModuleBitsAndExperts() throws {
    var entries = Self.quantized("model.layers.0.mlp.switch_mlp.down_proj", [4, 128], in: 256, bits: 3)
    entries += Self.quantized("model.layers.0.self_attn.o_proj", [128], in: 128, bits: 6)
    let tmp = Self.write(
      entries,
      config: #"{"model_type":"qwen3_moe","quantization":{"group_size":64,"bits":4,"model.layers.0.mlp.switch_mlp.down_proj":{"group_size":64,"bits":3}}}"#)
    let catalog = try CheckpointLoader.load(tmp.path)
    let s = Counter.count(catalog)
    #expect(s.parameters(of: .experts) == 4 * 128 * 256)
    #expect(s.parameters(of: .attention) == 128 * 128)
    #expect(s.totals.parameters == 131_072 + 16_384)
    #expect(s.totals.quantAuxElements == 2 * (4 * 128 * 4) + 2 * (128 * 2))
  }

  /// `mxfp4` mode (MLX 0.29): 4 bits in groups of 32 with U8 scales and no biases, as the
  /// config says; without that config the same pair is not read as packed.
  @Test func mxfp4ModeHasNoBiases() throws {
    let entries: [(String, String, [Int])] = [("model.layers.0.mlp.up_proj.weight", "U32", [64, 16]), ("model.layers.0.mlp.up_proj.scales", "U8", [64, 4])]
    let withConfig = Self.write(entries, config: #"{"quantization":{"group_size":32,"bits":4,"mode":"mxfp4"}}"#)
    #expect(Counter.count(try CheckpointLoader.load(withConfig.path)).totals.parameters == 64 * 128)
    let without = Self.write(entries, config: nil)
    #expect(Counter.count(try CheckpointLoader.load(without.path)).totals.parameters == 64 * 16)
  }

  /// Without a config only MLX's default (4 bits, groups of 64) is read. 8 bits in groups of 64
  /// needs the config: its shapes are also 16 bits in groups of 128, so the weight keeps its
  /// stored count (no guess), while its scales and biases are still bookkeeping.
  @Test func withoutConfigOnlyTheDefaultScheme() throws {
    let four = Self.write(Self.quantized("l", [32], in: 256, bits: 4), config: nil)
    #expect(Counter.count(try CheckpointLoader.load(four.path)).totals.parameters == 32 * 256)
    let eight = Self.write(Self.quantized("l", [32], in: 256, bits: 8), config: nil)
    let catalog = try CheckpointLoader.load(eight.path)
    #expect(Counter.count(catalog).totals.parameters == 32 * 64)
    #expect(Counter.count(catalog).totals.quantAuxElements == 2 * 32 * 4)
    let withConfig = Self.write(Self.quantized("l", [32], in: 256, bits: 8), config: #"{"quantization":{"group_size":64,"bits":8}}"#)
    #expect(Counter.count(try CheckpointLoader.load(withConfig.path)).totals.parameters == 32 * 256)
  }

  /// Beside one real triple (4 x 64 weights in 4 x 8 words), tensors that only look like MLX's
  /// are left as they are: a lone U32 weight, a U32 weight with scales but no biases (affine
  /// mode), a `.biases` parameter with no scales, and a triple whose biases do not match its scales.
  @Test func lookalikesAreNotMisread() throws {
    let tmp = Self.write(
      Self.quantized("real", [4], in: 64, bits: 4) + [
        ("plain.weight", "U32", [4, 8]),
        ("lonely.weight", "U32", [4, 8]), ("lonely.scales", "F16", [4, 1]),
        ("x.weight", "F16", [4, 8]), ("x.biases", "F16", [4]),
        ("odd.weight", "U32", [4, 8]), ("odd.scales", "F16", [4, 1]), ("odd.biases", "F16", [4, 3]),
      ], config: #"{"quantization":{"group_size":64,"bits":4}}"#)
    let catalog = try CheckpointLoader.load(tmp.path)
    let s = Counter.count(catalog)
    #expect(s.totals.packedTensors == 1)
    // real's 256 weights; 3 x 32 U32 words, x's 32 weights and 4 biases, odd's 12 biases.
    #expect(s.totals.parameters == 256 + 96 + 32 + 4 + 12)
    // real's scales and biases, lonely's and odd's scales.
    #expect(s.totals.quantAuxElements == 8 + 8)
    #expect(catalog.tensors.first { $0.name == "x.biases" }?.role == .parameter)
    #expect(catalog.tensors.first { $0.name == "odd.biases" }?.role == .parameter)
  }
}
