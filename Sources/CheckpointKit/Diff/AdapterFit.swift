/// Whether a PEFT adapter fits a base checkpoint: the problems found (each naming the module
/// and the numbers), modules the adapter saves whole that the base lacks, and the trainable
/// parameters against the base's. Built by `AdapterChecker`; rendered by `AdapterReport`.
public struct AdapterFit: Equatable, Sendable {
  public struct Problem: Equatable, Sendable {
    /// The module as the adapter names it, PEFT's `base_model.model.` prefix removed.
    public var module: String
    /// `missing_module`, `in_features`, `out_features`, `rank`, `rank_pair`, `missing_pair`
    /// (LoRA), `missing_part` (LoHa, LoKr), `not_a_matrix`, `shape` (a modules_to_save copy or
    /// VeRA's shared projections), `virtual_tokens`, `token_dim`, `layers` (prompt learning).
    public var kind: String
    public var expected: [UInt64]
    public var found: [UInt64]
    public var message: String
  }

  public var adapterPath: String
  public var basePath: String
  public var problems: [Problem] = []
  /// modules_to_save copies of modules the base lacks (a task head): new, not misfits.
  public var newModules: [String] = []
  /// PEFT's type name (`LORA`, `IA3`, `PREFIX_TUNING`...).
  public var adapterType = "LORA"
  /// lora_A/lora_B pairs found.
  public var pairs = 0
  /// Adapted modules found in the base and checked.
  public var modulesChecked = 0
  /// Every tensor the adapter file stores (the adapter's matrices or vectors and the
  /// modules_to_save copies), except VeRA's frozen shared projections.
  public var trainableParameters: UInt64 = 0
  public var baseParameters: UInt64 = 0

  public var fits: Bool { problems.isEmpty }

  /// trainable / (base + trainable), in percent: PEFT's "trainable%" when its "all params" is
  /// the base plus the adapter (true for LoRA on a model whose parameters are all in the base file).
  public var trainablePercent: Double {
    let all = baseParameters.plus(trainableParameters)
    return all == 0 ? 0 : Double(trainableParameters) * 100 / Double(all)
  }
}
