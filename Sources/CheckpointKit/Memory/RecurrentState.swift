/// The fixed-size state a recurrent layer (Mamba, Mamba-2, a gated delta net) keeps per sequence
/// instead of a KV cache: it does not grow with the context. Sizes follow llama.cpp, which keeps
/// both parts in F32 whatever the KV cache type (llama-model.cpp create_memory: type_r and type_s
/// GGML_TYPE_F32, one state per sequence) and drops the conv window's oldest column
/// (llama-hparams.cpp n_embd_r and n_embd_s):
///   conv  = (conv_kernel - 1) x (inner_size + 2 x group_count x state_size)
///   state = state_size x inner_size
/// `ssm.time_step_rank` shapes the weights, not the state, so it does not appear here.
public struct RecurrentState: Equatable, Sendable {
  /// d_conv: the causal convolution's width (`{arch}.ssm.conv_kernel`).
  public var convKernel: Int
  /// d_inner (`{arch}.ssm.inner_size`); Qwen3-Next: value heads x value head size.
  public var innerSize: Int
  /// d_state (`{arch}.ssm.state_size`); Qwen3-Next: the key head size.
  public var stateSize: Int
  /// n_group (`{arch}.ssm.group_count`): B and C groups of Mamba-2, key heads of a gated delta
  /// net; 0 for Mamba-1, whose B and C are not in the conv state.
  public var groupCount: Int

  public init(convKernel: Int, innerSize: Int, stateSize: Int, groupCount: Int) {
    self.convKernel = convKernel
    self.innerSize = innerSize
    self.stateSize = stateSize
    self.groupCount = groupCount
  }

  /// Bytes per element: F32.
  public static let bytesPerElement: UInt64 = 4

  /// Elements one layer keeps per sequence: conv + state (above). Nil if that passes 2^64 - 1.
  public var elementsPerLayer: UInt64? {
    let channels = UInt64?(UInt64(count: innerSize)).plus(UInt64?(2).times(UInt64(count: groupCount)).times(UInt64(count: stateSize)))
    let conv = UInt64?(UInt64(count: convKernel - 1)).times(channels)
    return conv.plus(UInt64?(UInt64(count: stateSize)).times(UInt64(count: innerSize)))
  }

  /// Numbers a real model has: a positive inner and state size, a kernel of at least 1.
  var isPlausible: Bool {
    let limit = 1 << 24
    return (1...limit).contains(innerSize) && (1...limit).contains(stateSize) && (1...limit).contains(convKernel)
      && (0...limit).contains(groupCount)
  }

  /// From `{arch}.ssm.*`: nil unless inner_size and state_size are there.
  static func from(gguf int: (String) -> Int?) -> RecurrentState? {
    guard let inner = int("ssm.inner_size"), let state = int("ssm.state_size") else { return nil }
    return RecurrentState(convKernel: int("ssm.conv_kernel") ?? 1, innerSize: inner, stateSize: state, groupCount: int("ssm.group_count") ?? 0)
  }

  /// From a config.json, with the names each family uses (as convert_hf_to_gguf maps them):
  /// gated delta nets (Qwen3-Next `linear_*`), Mamba and Mamba-2 (`state_size`, `conv_kernel`,
  /// `intermediate_size` or `expand` x hidden, `n_groups`), Jamba and Falcon-H1 (`mamba_*`).
  static func from(config: ConfigFile) -> RecurrentState? {
    let hidden = config.integer("hidden_size", "d_model")
    if let kernel = config.integer("linear_conv_kernel_dim"), let keyDim = config.integer("linear_key_head_dim"),
      let valueDim = config.integer("linear_value_head_dim"), let valueHeads = config.integer("linear_num_value_heads")
    {
      let (inner, overflow) = valueDim.multipliedReportingOverflow(by: valueHeads)
      guard !overflow else { return nil }
      return RecurrentState(convKernel: kernel, innerSize: inner, stateSize: keyDim, groupCount: config.integer("linear_num_key_heads") ?? 0)
    }
    func inner(_ size: String, _ expand: String) -> Int? {
      if let size = config.integer(size) { return size }
      guard let factor = config.integer(expand), let hidden else { return nil }
      let (product, overflow) = factor.multipliedReportingOverflow(by: hidden)
      return overflow ? nil : product
    }
    if let state = config.integer("mamba_d_state"), let kernel = config.integer("mamba_d_conv"),
      let inner = inner("mamba_d_ssm", "mamba_expand")
    {
      return RecurrentState(convKernel: kernel, innerSize: inner, stateSize: state, groupCount: config.integer("mamba_n_groups") ?? 0)
    }
    if let state = config.integer("state_size"), let kernel = config.integer("conv_kernel"),
      let inner = inner("intermediate_size", "expand")
    {
      return RecurrentState(convKernel: kernel, innerSize: inner, stateSize: state, groupCount: config.integer("n_groups") ?? 0)
    }
    return nil
  }
}
