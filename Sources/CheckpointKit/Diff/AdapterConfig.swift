/// The fields of PEFT's `adapter_config.json` the fit check needs: the adapter type, the rank,
/// per-module rank overrides, the Conv1D layout flag, the modules saved whole, and for the
/// prompt-learning types the virtual-token geometry.
public struct AdapterConfig: Equatable, Sendable {
  public var path: String?
  /// `peft_type` as PEFT writes it (`LORA`, `IA3`, `PREFIX_TUNING`...); nil when not stated
  /// (a bare adapter file, or llama.cpp's GGUF LoRA, where `adapter.type` says it).
  public var peftType: String?
  /// AdaLoRA: `init_r`, the rank its matrices are saved with.
  public var initialRank: Int?
  /// IA3: `feedforward_modules`, whose scaling vector multiplies the input, not the output.
  public var feedforwardModules: [String] = []
  /// Prompt learning: `num_virtual_tokens`, `token_dim`, `num_layers`, `num_transformer_submodules`.
  public var virtualTokens: Int?
  public var tokenDim: Int?
  public var layers: Int?
  public var transformerSubmodules: Int?
  /// `r`: the rank every lora_A/lora_B pair has unless `rankPattern` says otherwise.
  public var rank: Int?
  /// `rank_pattern`: module-name suffix -> rank (PEFT matches `(.*\.)?KEY$`).
  public var rankPattern: [(String, Int)] = []
  /// `fan_in_fan_out`: the base stores the weight [in, out] (GPT-2's Conv1D).
  public var fanInFanOut = false
  public var modulesToSave: [String] = []

  public init(path: String? = nil, rank: Int? = nil, rankPattern: [(String, Int)] = [], fanInFanOut: Bool = false, modulesToSave: [String] = []) {
    self.path = path
    self.rank = rank
    self.rankPattern = rankPattern
    self.fanInFanOut = fanInFanOut
    self.modulesToSave = modulesToSave
  }

  public static func == (x: AdapterConfig, y: AdapterConfig) -> Bool {
    x.path == y.path && x.peftType == y.peftType && x.initialRank == y.initialRank && x.feedforwardModules == y.feedforwardModules
      && x.virtualTokens == y.virtualTokens && x.tokenDim == y.tokenDim && x.layers == y.layers
      && x.transformerSubmodules == y.transformerSubmodules && x.rank == y.rank && x.fanInFanOut == y.fanInFanOut && x.modulesToSave == y.modulesToSave
      && x.rankPattern.map(\.0) == y.rankPattern.map(\.0) && x.rankPattern.map(\.1) == y.rankPattern.map(\.1)
  }

  /// The rank `module` should have: the longest matching `rank_pattern` key, else `r` (AdaLoRA:
  /// `init_r`, which its saved matrices keep whatever ranks it pruned to).
  public func expectedRank(of module: String) -> Int? {
    let matches = rankPattern.filter { module == $0.0 || module.hasSuffix("." + $0.0) }
    return matches.max(by: { $0.0.count < $1.0.count })?.1 ?? (peftType == "ADALORA" ? initialRank : rank)
  }

  /// IA3: whether `module` is one of `feedforward_modules` (PEFT matches names by suffix).
  public func isFeedforward(_ module: String) -> Bool {
    feedforwardModules.contains { module == $0 || module.hasSuffix("." + $0) }
  }

  /// `adapter_config.json` in the checkpoint's directory (or beside the file), or fetched with a
  /// Hub repo; nil when absent.
  public static func find(for catalog: Catalog) -> AdapterConfig? {
    if let remote = catalog.adapterConfig { return parse(remote) }
    if RemoteAddress.isRemote(catalog.path) { return nil }
    let directory = FileSystem.kind(of: catalog.path) == .directory ? catalog.path : FileSystem.directoryName(catalog.path)
    let path = FileSystem.join(directory, "adapter_config.json")
    guard FileSystem.kind(of: path) == .file, let file = try? MappedFile(path: path) else { return nil }
    guard let root = file.withSpan({ try? ConfigFile.parse($0) }) else { return nil }
    return parse(ConfigFile(path: path, root: root))
  }

  public static func parse(_ config: ConfigFile) -> AdapterConfig {
    var result = AdapterConfig(path: config.path, rank: config.integer("r"), fanInFanOut: config.bool("fan_in_fan_out") ?? false)
    result.peftType = config.string("peft_type")?.uppercased()
    result.initialRank = config.integer("init_r")
    result.virtualTokens = config.integer("num_virtual_tokens")
    result.tokenDim = config.integer("token_dim")
    result.layers = config.integer("num_layers")
    result.transformerSubmodules = config.integer("num_transformer_submodules")
    // Keys of rank_pattern hold dots (module paths): read the object directly, not by dotted path.
    if case .object(let members) = config.root {
      for (key, value) in members {
        if key == "rank_pattern", case .object(let pattern) = value {
          for (name, rank) in pattern {
            switch rank {
            case .unsigned(let v): if let r = Int(exactly: v) { result.rankPattern.append((name, r)) }
            case .signed(let v): if let r = Int(exactly: v) { result.rankPattern.append((name, r)) }
            default: break
            }
          }
        }
        if key == "modules_to_save", case .array(let items) = value {
          for case .string(let s) in items where !result.modulesToSave.contains(s) { result.modulesToSave.append(s) }
        }
        if key == "feedforward_modules" {
          // A list of names, or one name (PEFT also takes a regex there: a plain name is one).
          if case .array(let items) = value { for case .string(let s) in items { result.feedforwardModules.append(s) } }
          if case .string(let s) = value { result.feedforwardModules.append(s) }
        }
      }
    }
    return result
  }
}
