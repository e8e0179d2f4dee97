/// GPT-2: blocks `transformer.h.N.` as transformers saves `GPT2LMHeadModel`, or `h.N.` with no
/// prefix as the original openai-community/gpt2 checkpoint has them. Its attention and MLP are
/// Conv1D layers, which store the weight [in, out]; the converter transposes those four weights
/// to llama.cpp's [out, in] (`Target.transposed`), so a diff compares them after transposition.
extension GGUFNameMap {
  static let gpt2Global: [Substring: String] = [
    "transformer.wte": "token_embd", "wte": "token_embd",
    "transformer.wpe": "position_embd", "wpe": "position_embd",
    "transformer.ln_f": "output_norm", "ln_f": "output_norm",
  ]

  /// Inside block N, with whether the weight is a Conv1D one (transposed by the converter).
  static let gpt2Block: [Substring: (String, conv1D: Bool)] = [
    "ln_1": ("attn_norm", false),
    "attn.c_attn": ("attn_qkv", true),
    "attn.c_proj": ("attn_output", true),
    "ln_2": ("ffn_norm", false),
    "mlp.c_fc": ("ffn_up", true),
    "mlp.c_proj": ("ffn_down", true),
  ]

  static func gpt2(_ base: Substring, suffix: String) -> Target? {
    if let g = gpt2Global[base] { return Target(name: g + suffix) }
    guard let (layer, inner) = block(base, after: "transformer.h.") ?? block(base, after: "h."),
      let (mapped, conv1D) = gpt2Block[inner]
    else { return nil }
    // A bias is one row either way: only the weight is transposed.
    return Target(name: "blk.\(layer)." + mapped + suffix, transposed: conv1D && suffix == ".weight")
  }

  /// GPT-2's causal-mask buffers (`h.N.attn.bias`, `h.N.attn.masked_bias`), in older checkpoints
  /// such as the original gpt2: rebuilt at load time, never weights, and meant to be skipped by the
  /// converter ("we don't need these"). Its 0.3.36 GPT-2 class passes them on to the name map
  /// instead, which stops with "Can not map tensor 'h.0.attn.bias'" (tried on a copy of a tiny
  /// GPT-2 with them added); a GGUF made from such a checkpoint by any converter lacks them.
  static func gpt2MaskBuffer(_ name: Substring) -> Bool {
    name.hasByteSuffix(".attn.bias") || name.hasByteSuffix(".attn.masked_bias")
  }
}
