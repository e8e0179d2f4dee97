/// Whether the output head shares its weights with the token embedding. A tied head is stored
/// once (or not at all) and counted once: counting it twice is the classic over-count.
public struct TiedHead: Equatable, Sendable {
  public enum State: String, Equatable, Sendable {
    /// No head tensor, and the model is a decoder whose head is the embedding.
    case tied
    /// A head tensor of its own.
    case untied
    /// No LM head to speak of (an encoder, a vocab-only file, a non-language model).
    case notApplicable = "not_applicable"
  }

  public var state: State
  /// The embedding and head tensor names involved, when present.
  public var embedding: String?
  public var head: String?
  /// True for an untied head whose shape equals the embedding's: a candidate for tying.
  public var headMatchesEmbeddingShape: Bool

  public var isTied: Bool { state == .tied }

  static let embeddingSuffixes = [
    "embed_tokens.weight", "wte.weight", "word_embeddings.weight", "tok_embeddings.weight", "embed_in.weight",
  ]
  static let headNames: Set<String> = ["output.weight", "lm_head.weight", "embed_out.weight"]
  static let headSuffixes = [".lm_head.weight", ".embed_out.weight"]
  /// Final norms that mark a decoder stack: with one present and no head, the head is tied.
  static let finalNormSuffixes = [
    "model.norm.weight", "ln_f.weight", "final_layernorm.weight", "norm_f.weight", "final_layer_norm.weight",
  ]
  static let dottedFinalNorms = finalNormSuffixes.map { "." + $0 }
  /// GGUF architectures that are encoders: no LM head, so no tying.
  static let encoderArchitectures: Set<String> = [
    "bert", "nomic-bert", "nomic-bert-moe", "jina-bert-v2", "jina-bert-v3", "t5encoder", "neo-bert", "modern-bert",
    "roberta", "xlm-roberta", "clip", "wavtokenizer-dec",
  ]

  public static func detect(in catalog: Catalog) -> TiedHead {
    // Names are compared only within the component they belong to, and records are reached by
    // index: on a 20,000-tensor header, copying each record out of the array cost more than the test.
    let tensors = catalog.tensors
    func first(_ component: Component, where match: (Substring) -> Bool) -> Int? {
      tensors.indices.first { tensors[$0].component == component && match(tensors[$0].name) }
    }
    let embedding = first(.embedding) { name in
      name.isBytes("token_embd.weight") || name.isBytes("shared.weight") || embeddingSuffixes.contains { name.endsWith(text: $0) }
    }.map { tensors[$0] }
    let head = first(.head) { name in
      headNames.contains(String(name)) || headSuffixes.contains { name.endsWith(text: $0) }
    }.map { tensors[$0] }
    guard let embedding else {
      return TiedHead(state: head == nil ? .notApplicable : .untied, embedding: nil, head: head.map { String($0.name) }, headMatchesEmbeddingShape: false)
    }
    if let head {
      // A head stored at the embedding's very bytes is tied even though it is listed twice.
      let aliased = head.file == embedding.file && head.offset == embedding.offset
      return TiedHead(
        state: aliased ? .tied : .untied, embedding: String(embedding.name), head: String(head.name),
        headMatchesEmbeddingShape: head.shape == embedding.shape)
    }
    let isDecoder: Bool
    if catalog.format == .gguf || catalog.format == .splitGGUF {
      isDecoder = !encoderArchitectures.contains(catalog.architecture ?? "") && first(.norm) { $0.isBytes("output_norm.weight") } != nil
    } else {
      isDecoder = first(.norm) { name in
        finalNormSuffixes.contains { name == $0 } || dottedFinalNorms.contains { name.endsWith(text: $0) }
      } != nil
    }
    return TiedHead(
      state: isDecoder ? .tied : .notApplicable, embedding: String(embedding.name), head: nil, headMatchesEmbeddingShape: false)
  }
}
