/// Hugging Face tensor names -> the names llama.cpp's `convert_hf_to_gguf.py` gives them. The
/// facts are those of gguf-py's `tensor_mapping.py` and the converter's per-model classes, written
/// here as our own tables, one file per architecture family:
///
/// - `GGUFNameMap+Decoder.swift`: `model.layers.N.` checkpoints (Llama, Mistral, Mixtral, Qwen2/3
///   and their MoE, Gemma 1/2/3, Phi-3);
/// - `GGUFNameMap+GPT2.swift`: `transformer.h.N.` / `h.N.` (GPT-2, Conv1D weights transposed);
/// - `GGUFNameMap+BERT.swift`: `bert.encoder.layer.N.` / `encoder.layer.N.`;
/// - `GGUFNameMap+Multimodal.swift`: the text model under a multimodal prefix, and the vision or
///   audio towers a text conversion leaves for llama.cpp's mmproj file;
/// - `GGUFNameMap+Vision.swift`: the vision tower and projector as the mmproj file names them.
///
/// A diff must place every converted tensor: what the tables cannot place is either something the
/// converter drops on purpose (`dropped`, reported as a convention) or listed as unmapped, never
/// silently left out.
public enum GGUFNameMap {
  /// Where one Hugging Face tensor lands in a GGUF file.
  public struct Target: Equatable, Sendable {
    /// The GGUF name (`blk.3.attn_q.weight`).
    public var name: String
    /// For one expert of a Mixtral-style MoE: its index in the stacked `ffn_*_exps` tensor.
    public var expert: Int?
    /// A GPT-2 Conv1D weight, stored [in, out] and transposed by the converter: the GGUF tensor
    /// has the reversed shape.
    public var transposed: Bool = false

    public init(name: String, expert: Int? = nil, transposed: Bool = false) {
      self.name = name
      self.expert = expert
      self.transposed = transposed
    }
  }

  /// Why the converter leaves a Hugging Face tensor out of the GGUF: the text GGUF (the first
  /// three) or the mmproj file (the last two).
  public enum Dropped: Equatable, Sendable {
    /// A buffer recomputed at load time (`rotary_emb.inv_freq`, BERT's `position_ids`, GPT-2's
    /// causal-mask `attn.bias` / `attn.masked_bias`).
    case buffer
    /// A head llama.cpp does not run: BERT's pooler and its pre-training (MLM, NSP) heads.
    case head
    /// A vision or audio tower or its projector: written to the separate mmproj file.
    case multimodal
    /// The text model, in a diff against the mmproj file: it is in the text GGUF.
    case textModel
    /// SigLIP's pooling head (`head.*`), which Gemma 3 does not run: dropped by `--mmproj`.
    case visionHead
  }

  /// The GGUF name of a Hugging Face tensor, nil when the tables cannot place it.
  /// `gemmaPostNorms`: the model has Gemma 2/3's four norms per block, where
  /// `post_attention_layernorm` becomes `post_attention_norm`.
  public static func target(_ hfName: some StringProtocol, gemmaPostNorms: Bool = false) -> Target? {
    // A multimodal model's text half: the converter deletes `language_model.` wherever it is.
    var name = Substring(hfName)
    if let text = textModelName(name) { name = text }
    // The suffix (weight, bias) is carried over as is. BERT checkpoints from TensorFlow call the
    // LayerNorm weight and bias gamma and beta; the converter renames them.
    guard let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) else { return nil }
    let base = name[..<dot]
    let suffix: String
    switch name[dot...] {
    case ".weight", ".gamma": suffix = ".weight"
    case ".bias", ".beta": suffix = ".bias"
    // transformers 5's own MoE layout: parameters named without `.weight`.
    default: return nativeExperts(name)
    }
    if let t = decoder(base, suffix: suffix, gemmaPostNorms: gemmaPostNorms) { return t }
    if let t = gpt2(base, suffix: suffix) { return t }
    return bert(base, suffix: suffix)
  }

  /// What the converter leaves out on purpose, for a name `target` cannot place (only those are
  /// asked, so the common case costs nothing).
  public static func dropped(_ hfName: some StringProtocol) -> Dropped? {
    let name = Substring(hfName)
    if name.hasByteSuffix("rotary_emb.inv_freq") || gpt2MaskBuffer(name) || bertBuffer(name) { return .buffer }
    if bertHead(name) { return .head }
    if multimodalTower(name) { return .multimodal }
    return nil
  }

  /// GGUF tensors the converter computes from config.json's long-context RoPE settings instead of
  /// copying them: Llama 3.1's `rope_freqs` (llama3 scaling), Phi-3-128k's `rope_factors_long`
  /// and `rope_factors_short` (longrope). A Hugging Face checkpoint has no counterpart.
  public static let generatedByConverter: Set<String> = ["rope_freqs.weight", "rope_factors_long.weight", "rope_factors_short.weight"]

  /// Buffers the converter drops on purpose: recomputed from the config at load time.
  public static func isDroppedBuffer(_ name: some StringProtocol) -> Bool {
    dropped(name) == .buffer
  }

  /// `N` and what follows `N.` in `<prefix>N.<rest>`, nil unless the name has that form.
  static func block(_ base: Substring, after prefix: String) -> (Int, Substring)? {
    guard let rest = base.dropping(prefix) else { return nil }
    guard let end = rest.utf8.firstIndex(of: UInt8(ascii: ".")), let n = Int(rest[..<end]), n >= 0 else { return nil }
    return (n, rest[rest.utf8.index(after: end)...])
  }
}

extension Substring {
  /// The rest after `prefix`, nil without it. Compared as UTF-8 bytes: `hasPrefix` and
  /// `dropFirst` on a Substring go Character by Character, which 20,000 names a diff feel.
  func dropping(_ prefix: String) -> Substring? {
    guard utf8.starts(with: prefix.utf8) else { return nil }
    return self[utf8.index(startIndex, offsetBy: prefix.utf8.count)...]
  }

  /// The name before `suffix`, nil without it (UTF-8 bytes, as `dropping`).
  func droppingSuffix(_ suffix: String) -> Substring? {
    guard hasByteSuffix(suffix) else { return nil }
    return self[..<utf8.index(endIndex, offsetBy: -suffix.utf8.count)]
  }

  func hasBytePrefix(_ prefix: String) -> Bool { utf8.starts(with: prefix.utf8) }

  func hasByteSuffix(_ suffix: String) -> Bool {
    let n = suffix.utf8.count
    guard utf8.count >= n else { return false }
    return utf8[utf8.index(endIndex, offsetBy: -n)...].elementsEqual(suffix.utf8)
  }
}
