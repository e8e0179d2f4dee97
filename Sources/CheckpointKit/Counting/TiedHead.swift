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
    // Names are compared only within the component they belong to: on a 20,000-tensor header,
    // comparing every name with every candidate was a tenth of the counting.
    let embedding = catalog.tensors.first { t in
      t.component == .embedding
        && (t.name == "token_embd.weight" || t.name == "shared.weight" || embeddingSuffixes.contains { t.name.hasSuffix($0) })
    }
    let head = catalog.tensors.first { t in
      t.component == .head && (headNames.contains(t.name) || headSuffixes.contains { t.name.hasSuffix($0) })
    }
    guard let embedding else {
      return TiedHead(state: head == nil ? .notApplicable : .untied, embedding: nil, head: head?.name, headMatchesEmbeddingShape: false)
    }
    if let head {
      // A head stored at the embedding's very bytes is tied even though it is listed twice.
      let aliased = head.file == embedding.file && head.offset == embedding.offset
      return TiedHead(
        state: aliased ? .tied : .untied, embedding: embedding.name, head: head.name,
        headMatchesEmbeddingShape: head.shape == embedding.shape)
    }
    let isDecoder: Bool
    if catalog.format == .gguf || catalog.format == .splitGGUF {
      isDecoder = !encoderArchitectures.contains(catalog.architecture ?? "")
        && catalog.tensors.contains { $0.component == .norm && $0.name == "output_norm.weight" }
    } else {
      isDecoder = catalog.tensors.contains { t in
        t.component == .norm && (finalNormSuffixes.contains { t.name == $0 } || dottedFinalNorms.contains { t.name.hasSuffix($0) })
      }
    }
    return TiedHead(
      state: isDecoder ? .tied : .notApplicable, embedding: embedding.name, head: nil, headMatchesEmbeddingShape: false)
  }
}
