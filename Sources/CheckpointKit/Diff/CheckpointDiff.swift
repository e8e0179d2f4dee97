/// What differs between two checkpoints A and B, from their headers: tensors present in one
/// only, tensors in both that changed, names that could not be mapped across formats, metadata
/// and hyperparameters. Built by `Differ`; rendered by `DiffReport`.
public struct CheckpointDiff: Sendable {
  /// One tensor as the diff sees it. A Mixtral-style expert list from Hugging Face is one side
  /// of GGUF's stacked tensor: `name` then has `*` for the expert index and `shape` is
  /// experts x the per-expert shape.
  public struct Side: Equatable, Sendable {
    public var name: String
    public var dtype: String
    /// PyTorch order (outermost first) on both sides.
    public var shape: [UInt64]
    public var parameters: UInt64
    public var bytes: UInt64?
    public var component: Component
    public var layer: Int?
  }

  public struct Changed: Equatable, Sendable {
    public var a: Side
    public var b: Side
    /// Of `shape` (or `packing`: the stored shape differs because one side packs several
    /// weights per element, and the weights are as many), `dtype`, `bytes`, in that order. A
    /// weight paired with its quantized form has another name on that side.
    public var changes: [String]
  }

  public struct MetadataChange: Equatable, Sendable {
    public var key: String
    /// A one-line summary of the value (arrays: type, length and content hash); nil when absent.
    public var a: String?
    public var b: String?
  }

  public struct HyperparameterChange: Equatable, Sendable {
    public var field: String
    public var a: Double
    public var b: Double
  }

  /// Parameters and bytes of one component on both sides.
  public struct ComponentTotals: Equatable, Sendable {
    public var component: Component
    public var parametersA: UInt64 = 0
    public var parametersB: UInt64 = 0
    public var bytesA: UInt64 = 0
    public var bytesB: UInt64 = 0
    public var bitsPerWeightA: Double? { parametersA == 0 ? nil : Double(bytesA) * 8 / Double(parametersA) }
    public var bitsPerWeightB: Double? { parametersB == 0 ? nil : Double(bytesB) * 8 / Double(parametersB) }
  }

  /// Parameters and bytes of one layer on both sides, and the tensors of that layer that are
  /// only in A, only in B, reshaped or unmapped, named from the layer on (`mlp.gate_proj`,
  /// `ffn_gate`).
  public struct LayerTotals: Equatable, Sendable {
    public var layer: Int
    public var parametersA: UInt64 = 0
    public var parametersB: UInt64 = 0
    public var bytesA: UInt64 = 0
    public var bytesB: UInt64 = 0
    public var onlyInA: [String] = []
    public var onlyInB: [String] = []
    public var reshaped: [String] = []
    /// Hugging Face tensors of this layer that the name tables cannot place.
    public var unmapped: [String] = []
    public var bitsPerWeightA: Double? { parametersA == 0 ? nil : Double(bytesA) * 8 / Double(parametersA) }
    public var bitsPerWeightB: Double? { parametersB == 0 ? nil : Double(bytesB) * 8 / Double(parametersB) }
    /// What the text report lists without `--layers`: different parameters, or a tensor added,
    /// removed, reshaped (a transposed shape keeps the count) or unmapped. Bytes alone do not
    /// count: a requantization changes every layer's.
    public var differs: Bool {
      parametersA != parametersB || !onlyInA.isEmpty || !onlyInB.isEmpty || !reshaped.isEmpty || !unmapped.isEmpty
    }
  }

  public var pathA: String
  public var pathB: String
  /// Names were mapped Hugging Face -> GGUF (A or B is the GGUF side).
  public var crossFormat: Bool
  public var onlyInA: [Side] = []
  public var onlyInB: [Side] = []
  /// Quantization bookkeeping (scales, zero points, group indices) in one side only: what
  /// quantizing added or dequantizing dropped. Not structural, and holding no parameters.
  public var bookkeepingOnlyInA: [Side] = []
  public var bookkeepingOnlyInB: [Side] = []
  public var changed: [Changed] = []
  /// How many tensors are in both, unchanged.
  public var identicalCount = 0
  /// Those tensors, when the diff was asked to list them (`Differ.diff(listIdentical:)`).
  public var identicalTensors: [Side] = []
  /// Hugging Face tensors the name tables cannot place (never dropped).
  public var unmapped: [Side] = []
  public var metadataChanged: [MetadataChange] = []
  public var hyperparametersChanged: [HyperparameterChange] = []
  /// Conversion conventions that were accounted for instead of reported (tied head, dropped buffers).
  public var conventions: [String] = []
  public var parametersA: UInt64 = 0
  public var parametersB: UInt64 = 0
  /// The part of B - A that the conventions explain (a head stored on one side only, dropped buffers).
  public var explainedDifference: Int64 = 0
  /// Groups of tensors fused on one side and split on the other (attn_qkv vs attn_q/k/v, one per
  /// block) that were compared as one: between two GGUFs this is the only thing that differs when
  /// one was converted with --fuse-qkv. Not structural, but not `identical` either: the files
  /// lay the same weights out differently.
  public var fusedGroups = 0
  public var byComponent: [ComponentTotals] = []
  /// Layers of the language model in index order (see `DiffTotals`): tensors without a layer
  /// and those of an encoder tower are in `byComponent` only.
  public var byLayer: [LayerTotals] = []

  /// B - A, in parameters.
  public var parameterDifference: Int64 { Int64(clamping: parametersB) &- Int64(clamping: parametersA) }

  /// Nothing differs at all (dtype and metadata included; conventions do not count).
  public var identical: Bool {
    !structurallyDifferent && changed.isEmpty && metadataChanged.isEmpty && bookkeepingOnlyInA.isEmpty && bookkeepingOnlyInB.isEmpty
      && (crossFormat || fusedGroups == 0)
  }

  /// A tensor added, removed, unmapped or reshaped, or a hyperparameter changed: what
  /// `--exit-code` fails on. Dtype and byte changes alone (quantization) are not structural.
  public var structurallyDifferent: Bool {
    !onlyInA.isEmpty || !onlyInB.isEmpty || !unmapped.isEmpty || !hyperparametersChanged.isEmpty
      || changed.contains { $0.changes.contains("shape") }
  }
}
