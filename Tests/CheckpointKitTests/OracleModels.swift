@testable import CheckpointKit

/// The generated GGUFs of scripts/llama-cpp-oracle-models.py as catalogs built in code: the same
/// architecture keys, vocabulary size and tensors (names, shapes, types, 32-byte aligned offsets),
/// so the tests check our figures against llama.cpp's without the files or llama.cpp itself.
enum OracleModels {
  struct Spec {
    var arch: String
    var layers: Int, d: Int, heads: Int, kv: Int, ff: Int, vocab: Int, ctx: Int
    var headDim: Int? = nil
    var type = "F16"
    var tied = false, qkvBias = false, qkNorm = false, postNorms = false
    var swa: Int? = nil
    var experts = 0, expertsUsed = 0, ffExp = 0, sharedFF = 0
    /// The shared expert's gate as the converter writes it, a 1 x d matrix (GGUFWriter's: a d vector).
    var sharedGateMatrix = false
  }

  /// As in llama-cpp-oracle-models.py.
  static let specs: [String: Spec] = [
    "llama-gqa": Spec(arch: "llama", layers: 4, d: 512, heads: 8, kv: 2, ff: 1408, vocab: 32000, ctx: 4096),
    "qwen2": Spec(arch: "qwen2", layers: 4, d: 256, heads: 4, kv: 2, ff: 704, vocab: 151_936, ctx: 32768, type: "Q8_0", tied: true, qkvBias: true),
    "gemma2": Spec(
      arch: "gemma2", layers: 6, d: 256, heads: 4, kv: 2, ff: 1024, vocab: 256_000, ctx: 8192, headDim: 256, type: "Q8_0", tied: true,
      postNorms: true, swa: 512),
    "gemma3-270m": Spec(
      arch: "gemma3", layers: 18, d: 640, heads: 4, kv: 1, ff: 2048, vocab: 262_144, ctx: 32768, headDim: 256, type: "Q8_0", tied: true,
      qkNorm: true, postNorms: true, swa: 512),
    "mixtral": Spec(arch: "llama", layers: 4, d: 256, heads: 8, kv: 2, ff: 512, vocab: 32000, ctx: 32768, experts: 8, expertsUsed: 2),
    "qwen2moe": Spec(
      arch: "qwen2moe", layers: 4, d: 256, heads: 4, kv: 2, ff: 704, vocab: 151_936, ctx: 8192, type: "Q8_0", qkvBias: true, experts: 8,
      expertsUsed: 4, ffExp: 256, sharedFF: 512),
    "llama-q4_0": Spec(arch: "llama", layers: 4, d: 512, heads: 8, kv: 2, ff: 1408, vocab: 32000, ctx: 4096, type: "Q4_0"),
    "llama-q4_0-tied": Spec(arch: "llama", layers: 4, d: 512, heads: 8, kv: 2, ff: 1408, vocab: 32000, ctx: 4096, type: "Q4_0", tied: true),
    // Its soft-capping keys (50, 30) change no buffer: the catalog leaves them out.
    "gemma2-softcap": Spec(
      arch: "gemma2", layers: 6, d: 256, heads: 4, kv: 2, ff: 1024, vocab: 256_000, ctx: 8192, headDim: 256, type: "Q8_0", tied: true,
      postNorms: true, swa: 512),
    "wide-ffn": Spec(arch: "llama", layers: 2, d: 512, heads: 8, kv: 8, ff: 16384, vocab: 4096, ctx: 8192),
    "wide-moe": Spec(arch: "llama", layers: 2, d: 512, heads: 8, kv: 2, ff: 4096, vocab: 4096, ctx: 8192, type: "Q8_0", experts: 8, expertsUsed: 2),
    // Real conversions (llama-cpp-oracle-convert.py: convert_hf_to_gguf.py on tiny random HF
    // models), as the converter wrote them: tensors, types and keys read back from the GGUFs
    // (convertedCatalogsMatchTheFiles checks them when the files are there). Its tensor order
    // differs from ours (output first, per layer FFN before attention); the buffers do not
    // depend on it. Llama's key/value lengths and Gemma 3's rope bases change no buffer.
    "conv-llama": Spec(arch: "llama", layers: 4, d: 512, heads: 8, kv: 2, ff: 1408, vocab: 32000, ctx: 4096, headDim: 64),
    "conv-qwen2": Spec(
      arch: "qwen2", layers: 4, d: 256, heads: 4, kv: 2, ff: 704, vocab: 151_936, ctx: 32768, type: "Q8_0", tied: true, qkvBias: true),
    "conv-gemma3": Spec(
      arch: "gemma3", layers: 8, d: 640, heads: 4, kv: 1, ff: 2048, vocab: 8000, ctx: 32768, headDim: 256, tied: true, qkNorm: true,
      postNorms: true, swa: 512),
    "conv-mixtral": Spec(
      arch: "llama", layers: 4, d: 256, heads: 8, kv: 2, ff: 512, vocab: 32000, ctx: 32768, type: "Q8_0", experts: 8, expertsUsed: 2),
    // GPT-2's tokenizer (50,257 tokens) and an untied head; the router and shared gate stay F32.
    "conv-qwen2moe": Spec(
      arch: "qwen2moe", layers: 4, d: 256, heads: 4, kv: 2, ff: 704, vocab: 50257, ctx: 8192, type: "Q8_0", qkvBias: true, experts: 8,
      expertsUsed: 4, ffExp: 256, sharedFF: 512, sharedGateMatrix: true),
  ]

  static func catalog(_ name: String) -> Catalog? {
    if name == "mamba" { return mamba() }
    guard let s = specs[name] else { return nil }
    let hd = s.headDim ?? s.d / s.heads
    var tensors: [TensorRecord] = []
    var offset: UInt64 = 0
    func add(_ name: String, _ shape: [Int], _ type: String) {
      let n = UInt64(shape.reduce(1, *))
      let bytes: UInt64 = type == "F32" ? n * 4 : type == "F16" ? n * 2 : type == "Q4_0" ? n / 32 * 18 : n / 32 * 34
      let layer = name.hasPrefix("blk.") ? Int(name.split(separator: ".")[1]) : nil
      tensors.append(
        TensorRecord(
          name: name, dtype: type, shape: TensorShape(shape.map(UInt64.init)), reversedInFile: true, elements: n, bytes: bytes,
          bitsPerElement: Double(bytes * 8) / Double(n), offset: offset, layer: layer))
      offset += (bytes + 31) / 32 * 32
    }
    add("token_embd.weight", [s.vocab, s.d], s.type)
    add("output_norm.weight", [s.d], "F32")
    if !s.tied { add("output.weight", [s.vocab, s.d], s.type) }
    for i in 0..<s.layers {
      let p = "blk.\(i)."
      add(p + "attn_norm.weight", [s.d], "F32")
      add(p + "attn_q.weight", [s.heads * hd, s.d], s.type)
      add(p + "attn_k.weight", [s.kv * hd, s.d], s.type)
      add(p + "attn_v.weight", [s.kv * hd, s.d], s.type)
      add(p + "attn_output.weight", [s.d, s.heads * hd], s.type)
      if s.qkvBias {
        add(p + "attn_q.bias", [s.heads * hd], "F32")
        add(p + "attn_k.bias", [s.kv * hd], "F32")
        add(p + "attn_v.bias", [s.kv * hd], "F32")
      }
      if s.qkNorm {
        add(p + "attn_q_norm.weight", [hd], "F32")
        add(p + "attn_k_norm.weight", [hd], "F32")
      }
      if s.postNorms {
        add(p + "post_attention_norm.weight", [s.d], "F32")
        add(p + "post_ffw_norm.weight", [s.d], "F32")
      }
      add(p + "ffn_norm.weight", [s.d], "F32")
      if s.experts > 0 {
        let fe = s.ffExp > 0 ? s.ffExp : s.ff
        add(p + "ffn_gate_inp.weight", [s.experts, s.d], "F32")
        add(p + "ffn_gate_exps.weight", [s.experts, fe, s.d], s.type)
        add(p + "ffn_up_exps.weight", [s.experts, fe, s.d], s.type)
        add(p + "ffn_down_exps.weight", [s.experts, s.d, fe], s.type)
        if s.sharedFF > 0 {
          add(p + "ffn_gate_inp_shexp.weight", s.sharedGateMatrix ? [1, s.d] : [s.d], "F32")
          add(p + "ffn_gate_shexp.weight", [s.sharedFF, s.d], s.type)
          add(p + "ffn_up_shexp.weight", [s.sharedFF, s.d], s.type)
          add(p + "ffn_down_shexp.weight", [s.d, s.sharedFF], s.type)
        }
      } else {
        add(p + "ffn_gate.weight", [s.ff, s.d], s.type)
        add(p + "ffn_up.weight", [s.ff, s.d], s.type)
        add(p + "ffn_down.weight", [s.d, s.ff], s.type)
      }
    }
    func u(_ v: Int) -> MetadataValue { .unsigned(UInt64(v), type: "uint32") }
    var keys: [(String, MetadataValue)] = [
      ("context_length", u(s.ctx)), ("embedding_length", u(s.d)), ("block_count", u(s.layers)),
      ("feed_forward_length", u(s.ff)), ("attention.head_count", u(s.heads)), ("attention.head_count_kv", u(s.kv)),
      ("rope.dimension_count", u(hd)),
    ]
    if s.headDim != nil { keys += [("attention.key_length", u(hd)), ("attention.value_length", u(hd))] }
    if let w = s.swa { keys.append(("attention.sliding_window", u(w))) }
    if s.experts > 0 {
      keys += [("expert_count", u(s.experts)), ("expert_used_count", u(s.expertsUsed))]
      if s.ffExp > 0 { keys.append(("expert_feed_forward_length", u(s.ffExp))) }
      if s.sharedFF > 0 { keys.append(("expert_shared_feed_forward_length", u(s.sharedFF))) }
    }
    var metadata = [MetadataEntry(key: "general.architecture", value: .string(s.arch))]
    metadata += keys.map { MetadataEntry(key: "\(s.arch).\($0.0)", value: $0.1) }
    // The token list as the reader keeps a long array: its count and none of its items.
    metadata.append(.init(key: "tokenizer.ggml.tokens", value: .array(MetadataArray(elementType: "string", count: UInt64(s.vocab), items: []))))
    return Catalog(path: "\(name).gguf", format: .gguf, files: [], metadata: metadata, tensors: tensors)
  }

  /// llama-cpp-oracle-models.py's Mamba: 4 layers, d 512, inner 1,024, state 16, conv 4, dt rank
  /// 32, vocabulary 32,000, tied head, F16 matrices.
  static func mamba() -> Catalog {
    let d = 512, inner = 1024, state = 16, conv = 4, rank = 32, vocab = 32000
    var tensors: [TensorRecord] = []
    var offset: UInt64 = 0
    func add(_ name: String, _ shape: [Int], _ type: String) {
      let n = UInt64(shape.reduce(1, *))
      let bytes = type == "F32" ? n * 4 : n * 2
      let layer = name.hasPrefix("blk.") ? Int(name.split(separator: ".")[1]) : nil
      tensors.append(
        TensorRecord(
          name: name, dtype: type, shape: TensorShape(shape.map(UInt64.init)), reversedInFile: true, elements: n, bytes: bytes,
          bitsPerElement: Double(bytes * 8) / Double(n), offset: offset, layer: layer))
      offset += (bytes + 31) / 32 * 32
    }
    add("token_embd.weight", [vocab, d], "F16")
    add("output_norm.weight", [d], "F32")
    for i in 0..<4 {
      let p = "blk.\(i)."
      add(p + "attn_norm.weight", [d], "F32")
      add(p + "ssm_in.weight", [2 * inner, d], "F16")
      add(p + "ssm_conv1d.weight", [inner, conv], "F32")
      add(p + "ssm_conv1d.bias", [inner], "F32")
      add(p + "ssm_x.weight", [rank + 2 * state, inner], "F16")
      add(p + "ssm_dt.weight", [inner, rank], "F16")
      add(p + "ssm_dt.bias", [inner], "F32")
      add(p + "ssm_a", [inner, state], "F32")
      add(p + "ssm_d", [inner], "F32")
      add(p + "ssm_out.weight", [d, inner], "F16")
    }
    func u(_ v: Int) -> MetadataValue { .unsigned(UInt64(v), type: "uint32") }
    let keys: [(String, MetadataValue)] = [
      ("context_length", u(4096)), ("embedding_length", u(d)), ("block_count", u(4)), ("feed_forward_length", u(0)),
      ("attention.head_count", u(0)), ("attention.head_count_kv", u(0)), ("ssm.conv_kernel", u(conv)),
      ("ssm.inner_size", u(inner)), ("ssm.state_size", u(state)), ("ssm.time_step_rank", u(rank)),
    ]
    var metadata = [MetadataEntry(key: "general.architecture", value: .string("mamba"))]
    metadata += keys.map { MetadataEntry(key: "mamba.\($0.0)", value: $0.1) }
    metadata.append(.init(key: "tokenizer.ggml.tokens", value: .array(MetadataArray(elementType: "string", count: UInt64(vocab), items: []))))
    return Catalog(path: "mamba.gguf", format: .gguf, files: [], metadata: metadata, tensors: tensors)
  }
}
