/// Reported versus actual parameter counts, with every difference explained from the catalog
/// where it can be: what a checkpoint really holds, what its name, metadata, config and
/// hyperparameters claim, and why they differ.
public struct Audit: Equatable, Sendable {
  /// What the file holds.
  public struct Actual: Equatable, Sendable {
    public var parameters: UInt64
    /// MoE: parameters used per token (nil for dense models, or when experts-per-token is unknown).
    public var activeParameters: UInt64?
    public var experts: Int?
    public var expertsUsed: Int?
    /// Parameters of routed experts (0 for dense models).
    public var routedExpertParameters: UInt64
    public var bufferElements: UInt64
    public var quantAuxElements: UInt64
    public var packedTensors: Int
    public var packedStoredElements: UInt64
    public var tiedHead: TiedHead.State
    /// Parameters of the token embedding (a tied head's size), 0 without one.
    public var embeddingParameters: UInt64
    /// Parameters of components headline figures often leave out (vision, audio, projector, mtp, adapter).
    public var separate: [(component: String, parameters: UInt64)]
    /// Bytes of all tensors.
    public var tensorBytes: UInt64

    public static func == (a: Actual, b: Actual) -> Bool {
      a.parameters == b.parameters && a.activeParameters == b.activeParameters && a.separate.map(\.parameters) == b.separate.map(\.parameters)
    }
  }

  /// One figure some source claims, compared with the actual count.
  public struct Reported: Equatable, Sendable {
    public enum Kind: String, Sendable {
      /// A rounded size label (`7B`): agrees within its rounding or 2%.
      case label
      /// An exact integer written in the file: must match exactly.
      case exact
      /// Computed from hyperparameters with an exact formula.
      case formula
      /// The rule of thumb: shown, never held against the file.
      case approximation
      /// A byte count (an index's total_size).
      case bytes
      /// What the user expects (`--expect`).
      case expected
    }

    /// Where the claim comes from: `file name`, `general.size_label`, `config.json`, ...
    public var source: String
    /// The claim as written (`135M`, `85001`).
    public var claim: String
    public var value: UInt64
    public var kind: Kind
    /// What it is compared with: `parameters`, `active parameters` or `bytes`.
    public var comparedTo: String
    public var actual: UInt64
    public var explainedBy: [String]
    public var ok: Bool
    /// The row is itself a finding (a figure describing a model the file does not hold), so the
    /// table says so instead of "explained".
    public var isFinding = false

    public var difference: Int64 {
      Int64(clamping: Int128(value) - Int128(actual))
    }
    public var percent: Double? { actual == 0 ? nil : Double(difference) * 100 / Double(actual) }
    /// Agrees, or differs for a reason found in the catalog.
    public var accepted: Bool { ok || !explainedBy.isEmpty }
  }

  public var actual: Actual
  public var reported: [Reported]
  /// Differences nothing explains, and facts that make a claim meaningless.
  public var findings: [String]
  /// Assumptions made and sources that could not be used.
  public var notes: [String]

  /// True when every figure agrees or is explained and nothing was found.
  public var passed: Bool { findings.isEmpty }
}

/// A figure the user expects, from `--expect 7B` or `--expect 6738415616`.
public struct ParameterExpectation: Equatable, Sendable {
  public var text: String
  public var value: UInt64
  public var isLabel: Bool
  /// Allowed relative difference (0.02 = 2%).
  public var tolerance: Double

  /// Parses `7B`, `135M`, `1.5B` or a whole number; nil for anything else.
  public init?(_ text: String, tolerance: Double? = nil) {
    self.text = text
    if let exact = UInt64(text.filter { $0 != "_" && $0 != "," }) {
      value = exact
      isLabel = false
      self.tolerance = tolerance ?? 0
    } else if let label = SizeLabel.find(in: text, allowThousands: true).first, label.text.count == text.count {
      value = label.value
      isLabel = true
      self.tolerance = tolerance ?? 0.02
    } else {
      return nil
    }
  }
}
