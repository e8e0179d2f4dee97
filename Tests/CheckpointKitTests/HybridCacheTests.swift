import Testing
@testable import CheckpointKit

/// KV cache and recurrent state of sliding-window, hybrid and state-space models, from GGUF keys
/// (gguf-py 0.19 `Keys`) and config.json, on catalogs built by hand. The rules, in llama.cpp's terms:
/// - a sliding-window layer keeps min(window, context) tokens: the size of transformers'
///   `StaticSlidingWindowLayer` (cache_utils.py: `min(sliding_window, max_cache_len)`);
/// - `attention.sliding_window_pattern` is a bool per layer (true = sliding) or a period n (layer i
///   slides when i % n < n - 1); without it, llama.cpp's per-architecture default (gemma3: 6);
/// - the last `attention.shared_kv_layers` layers reuse earlier layers' KV and cache nothing;
/// - a recurrent layer keeps, per sequence and in F32, (conv_kernel - 1) x (inner_size + 2 x
///   group_count x state_size) + state_size x inner_size elements (llama-hparams.cpp n_embd_r +
///   n_embd_s); with `full_attention_interval` n, layer i attends fully when (i + 1) % n == 0 and is
///   recurrent otherwise; a layer with 0 KV heads has no KV cache.
@Suite struct HybridCacheTests {
  static func gguf(_ arch: String, _ keys: [(String, MetadataValue)]) -> Catalog {
    let metadata = [MetadataEntry(key: "general.architecture", value: .string(arch))]
      + keys.map { MetadataEntry(key: "\(arch).\($0.0)", value: $0.1) }
    return Catalog(path: "\(arch).gguf", format: .gguf, files: [], metadata: metadata, tensors: [])
  }

  static func u(_ value: UInt64) -> MetadataValue { .unsigned(value, type: "uint32") }

  static func ints(_ values: [Int]) -> MetadataValue {
    .array(MetadataArray(elementType: "int32", count: UInt64(values.count), items: values.map { .signed(Int64($0), type: "int32") }))
  }

  static func bools(_ values: [Bool]) -> MetadataValue {
    .array(MetadataArray(elementType: "bool", count: UInt64(values.count), items: values.map { .bool($0) }))
  }

  static func estimate(_ catalog: Catalog, config: ConfigFile? = nil, _ options: MemoryEstimate.Options = .init()) -> MemoryEstimate {
    MemoryTests.estimate(catalog, config: config, options)
  }

  static let overhead: UInt64 = 1 << 30

  /// Gemma-3-1B's shape: 26 layers, 1 KV head of 256, a 512-token window, no pattern key.
  static let gemma3 = gguf("gemma3", [
    ("block_count", u(26)), ("embedding_length", u(1152)), ("attention.head_count", u(4)),
    ("attention.head_count_kv", u(1)), ("attention.key_length", u(256)), ("attention.value_length", u(256)),
    ("attention.sliding_window", u(512)), ("context_length", u(32_768)),
  ])

  @Test func gemma3FiveLocalLayersToOneGlobal() throws {
    let m = Self.estimate(Self.gemma3)
    let shape = try #require(m.attention)
    // llama.cpp's gemma3 pattern 6: layer i slides when i % 6 < 5, so 5, 11, 17 and 23 are global:
    // 22 sliding and 4 global layers (not 26 x 5 / 6 = 21).
    #expect(shape.slidingLayers == 22)
    #expect(shape.fullLayers == 4)
    // f16, per layer and token: 1 head x (256 + 256) x 2 bytes = 1,024 bytes; all 26 layers grow
    // until the window fills: 26,624 bytes per token.
    #expect(m.kvPerToken.first { $0.type == "f16" }?.bytes == 26_624)
    // At the trained 32,768 tokens: 4 x 32,768 x 1,024 + 22 x 512 x 1,024 = 134,217,728 + 11,534,336.
    #expect(m.kvBytes == 145_752_064)
    // Below the window every layer keeps the context: 26 x 256 x 1,024.
    #expect(Self.estimate(Self.gemma3, .init(context: 256)).kvBytes == 6_815_744)
    // The same period written as a key on an architecture llama.cpp has no default for.
    var keyed = Self.gemma3
    keyed.metadata = keyed.metadata.map { MetadataEntry(key: $0.key.replacingOccurrences("gemma3.", "custom."), value: $0.value) }
    keyed.metadata[0] = MetadataEntry(key: "general.architecture", value: .string("custom"))
    keyed.metadata.append(MetadataEntry(key: "custom.attention.sliding_window_pattern", value: Self.u(6)))
    #expect(Self.estimate(keyed).kvBytes == 145_752_064)
  }

  @Test func perLayerPatternSlidingHeadSizeAndSharedLayers() throws {
    // Gemma-4-like: 10 layers, a bool per layer (true = sliding), global heads of 512 and sliding
    // heads of 256 (key_length_swa, value_length_swa), the last 4 layers reuse earlier KV.
    let catalog = Self.gguf("gemma4", [
      ("block_count", Self.u(10)), ("embedding_length", Self.u(2560)), ("attention.head_count", Self.u(8)),
      ("attention.head_count_kv", Self.u(2)), ("attention.key_length", Self.u(512)), ("attention.value_length", Self.u(512)),
      ("attention.key_length_swa", Self.u(256)), ("attention.value_length_swa", Self.u(256)),
      ("attention.sliding_window", Self.u(512)), ("attention.shared_kv_layers", Self.u(4)),
      ("attention.sliding_window_pattern", Self.bools([true, true, true, true, false, true, true, true, true, false])),
      ("context_length", Self.u(32_768)),
    ])
    let m = Self.estimate(catalog)
    let shape = try #require(m.attention)
    // Layers 0-5 cache: 0-3 and 5 slide, 4 is global; 6-9 are shared.
    #expect(shape.slidingLayers == 5)
    #expect(shape.fullLayers == 1)
    #expect(shape.sharedLayers == 4)
    // f16 per token: sliding 2 x (256 + 256) x 2 = 2,048 bytes, global 2 x (512 + 512) x 2 = 4,096.
    // At 32,768: 1 x 32,768 x 4,096 + 5 x 512 x 2,048 = 134,217,728 + 5,242,880.
    #expect(m.kvBytes == 139_460_608)
    #expect(m.kvPerToken.first { $0.type == "f16" }?.bytes == 4_096 + 5 * 2_048)
  }

  /// Qwen3-Next-80B-A3B's attention and gated-delta-net keys as convert_hf_to_gguf writes them.
  static let qwen3Next = gguf("qwen3next", [
    ("block_count", u(48)), ("embedding_length", u(2048)), ("attention.head_count", u(16)),
    ("attention.head_count_kv", u(2)), ("attention.key_length", u(256)), ("attention.value_length", u(256)),
    ("context_length", u(262_144)), ("full_attention_interval", u(4)),
    ("ssm.conv_kernel", u(4)), ("ssm.state_size", u(128)), ("ssm.group_count", u(16)),
    ("ssm.time_step_rank", u(32)), ("ssm.inner_size", u(4096)),
  ])

  @Test func hybridFullAttentionEveryFourthLayer() throws {
    let m = Self.estimate(Self.qwen3Next)
    let shape = try #require(m.attention)
    // (i + 1) % 4 == 0: layers 3, 7, ..., 47 attend (12); the other 36 are recurrent.
    #expect(shape.fullLayers == 12)
    #expect(shape.recurrentLayers == 36)
    // KV, f16: 12 layers x 2 heads x (256 + 256) x 2 bytes = 24,576 bytes per token; x 262,144 = 6 GiB
    // (all 48 layers would make 24 GiB: the 4x over-estimate).
    #expect(m.kvPerToken.first { $0.type == "f16" }?.bytes == 24_576)
    #expect(m.kvBytes == 6 << 30)
    // Recurrent, F32 per layer and sequence: conv (4 - 1) x (4,096 + 2 x 16 x 128) = 24,576 and
    // state 128 x 4,096 = 524,288: 548,864 elements = 2,195,456 bytes; x 36 layers = 79,036,416.
    #expect(m.recurrentBytes == 79_036_416)
    // Serving adds it: no weights here, KV + state + 1 GiB + 5% of both.
    let cached: UInt64 = (6 << 30) + 79_036_416
    #expect(m.servingBytes == cached + Self.overhead + cached / 20)
    // One state per sequence: 2 sequences hold twice the state and twice the KV.
    let two = Self.estimate(Self.qwen3Next, .init(parallel: 2))
    #expect(two.recurrentBytes == 2 * 79_036_416)
    #expect(two.kvBytes == 12 << 30)
  }

  @Test func jambaLayersWithoutKVHeadsAreRecurrent() throws {
    // Jamba-v0.1: head_count_kv per layer, 8 on layers 4, 12, 20, 28 and 0 elsewhere.
    let kv = (0..<32).map { $0 % 8 == 4 ? 8 : 0 }
    let catalog = Self.gguf("jamba", [
      ("block_count", Self.u(32)), ("embedding_length", Self.u(4096)), ("attention.head_count", Self.u(32)),
      ("attention.head_count_kv", Self.ints(kv)), ("context_length", Self.u(262_144)),
      ("ssm.conv_kernel", Self.u(4)), ("ssm.inner_size", Self.u(8192)), ("ssm.state_size", Self.u(16)),
      ("ssm.time_step_rank", Self.u(256)),
    ])
    let m = Self.estimate(catalog)
    // KV: 4 layers x 8 heads x (128 + 128) x 2 bytes = 16,384 bytes per token; x 262,144 = 4 GiB.
    #expect(m.kvBytes == 4 << 30)
    // No group_count (Mamba-1): per layer (4 - 1) x 8,192 + 16 x 8,192 = 155,648 elements x 4 bytes
    // = 622,592; x 28 layers = 17,432,576.
    #expect(m.recurrentBytes == 17_432_576)
    #expect(m.attention?.recurrentLayers == 28)
  }

  @Test func mambaHasStateAndNoKVCache() throws {
    // Mamba-2.8B as convert_hf_to_gguf writes it: head_count 0, context 2^20 ("arbitrary").
    let catalog = Self.gguf("mamba", [
      ("block_count", Self.u(64)), ("embedding_length", Self.u(2560)), ("attention.head_count", Self.u(0)),
      ("feed_forward_length", Self.u(0)), ("context_length", Self.u(1 << 20)),
      ("ssm.conv_kernel", Self.u(4)), ("ssm.inner_size", Self.u(5120)), ("ssm.state_size", Self.u(16)),
      ("ssm.time_step_rank", Self.u(160)),
    ])
    let m = Self.estimate(catalog)
    #expect(m.kvBytes == 0)
    // Per layer (4 - 1) x 5,120 + 16 x 5,120 = 97,280 elements x 4 bytes = 389,120; x 64 = 24,903,680,
    // whatever the context.
    #expect(m.recurrentBytes == 24_903_680)
    #expect(m.servingBytes == 24_903_680 + Self.overhead + 24_903_680 / 20)
    let text = MemoryReport.text(m)
    #expect(text.contains("KV cache             none: all 64 layers are recurrent"))
    #expect(text.contains("recurrent state      23.8 MiB (f32): 64 layers x 97,280 x 1 sequence"))
  }

  @Test func hybridAndSlidingFromConfig() throws {
    // Qwen3-Next's config.json: the same numbers as its GGUF keys above.
    let qwen = try FormulaTests.config(#"""
      {"model_type":"qwen3_next","num_hidden_layers":48,"hidden_size":2048,"num_attention_heads":16,
       "num_key_value_heads":2,"head_dim":256,"max_position_embeddings":262144,"full_attention_interval":4,
       "linear_conv_kernel_dim":4,"linear_key_head_dim":128,"linear_value_head_dim":128,
       "linear_num_key_heads":16,"linear_num_value_heads":32}
      """#)
    let empty = Catalog(path: "model.safetensors", format: .safetensors, files: [], metadata: [], tensors: [])
    let q = Self.estimate(empty, config: qwen)
    #expect(q.kvBytes == 6 << 30)
    #expect(q.recurrentBytes == 79_036_416)
    // The same layers listed by name in layer_types.
    let listed = try FormulaTests.config(#"""
      {"model_type":"qwen3_next","num_hidden_layers":4,"hidden_size":2048,"num_attention_heads":16,
       "num_key_value_heads":2,"head_dim":256,"layer_types":["linear_attention","linear_attention","linear_attention","full_attention"],
       "linear_conv_kernel_dim":4,"linear_key_head_dim":128,"linear_value_head_dim":128,
       "linear_num_key_heads":16,"linear_num_value_heads":32}
      """#)
    let l = try #require(AttentionShape.from(config: listed))
    #expect(l.fullLayers == 1 && l.recurrentLayers == 3)

    // Gemma 3 1B's layer_types: five sliding_attention, then one full_attention.
    let types = (0..<26).map { ($0 + 1) % 6 == 0 ? #""full_attention""# : #""sliding_attention""# }.joined(separator: ",")
    let gemma = try FormulaTests.config(#"""
      {"model_type":"gemma3_text","num_hidden_layers":26,"hidden_size":1152,"num_attention_heads":4,
       "num_key_value_heads":1,"head_dim":256,"max_position_embeddings":32768,"sliding_window":512,
       "layer_types":[\#(types)]}
      """#)
    #expect(Self.estimate(empty, config: gemma).kvBytes == 145_752_064)

    // Jamba's period and offset: attention on layers 4, 12, 20, 28; d_inner = 2 x 4,096.
    let jamba = try FormulaTests.config(#"""
      {"model_type":"jamba","num_hidden_layers":32,"hidden_size":4096,"num_attention_heads":32,
       "num_key_value_heads":8,"attn_layer_period":8,"attn_layer_offset":4,"mamba_d_state":16,
       "mamba_d_conv":4,"mamba_expand":2,"max_position_embeddings":262144}
      """#)
    let j = Self.estimate(empty, config: jamba)
    #expect(j.kvBytes == 4 << 30)
    #expect(j.recurrentBytes == 17_432_576)

    // Mamba-2 2.7B: 64 layers, d_inner = 2 x 2,560, one group of state 128. Per layer (4 - 1) x
    // (5,120 + 2 x 1 x 128) + 128 x 5,120 = 16,128 + 655,360 = 671,488 elements x 4 = 2,685,952;
    // x 64 = 171,900,928 bytes.
    let mamba2 = try FormulaTests.config(#"""
      {"model_type":"mamba2","num_hidden_layers":64,"hidden_size":2560,"state_size":128,"conv_kernel":4,
       "expand":2,"n_groups":1,"num_heads":80,"head_dim":64}
      """#)
    let m2 = Self.estimate(empty, config: mamba2)
    #expect(m2.kvBytes == 0)
    #expect(m2.recurrentBytes == 171_900_928)
  }
}
