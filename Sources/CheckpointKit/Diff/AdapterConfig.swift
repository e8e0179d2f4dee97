/// The fields of PEFT's `adapter_config.json` the fit check needs: the rank, per-module rank
/// overrides, the Conv1D layout flag and the modules saved whole.
public struct AdapterConfig: Equatable, Sendable {
  public var path: String?
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
    x.path == y.path && x.rank == y.rank && x.fanInFanOut == y.fanInFanOut && x.modulesToSave == y.modulesToSave
      && x.rankPattern.map(\.0) == y.rankPattern.map(\.0) && x.rankPattern.map(\.1) == y.rankPattern.map(\.1)
  }

  /// The rank `module` should have: the longest matching `rank_pattern` key, else `r`.
  public func expectedRank(of module: String) -> Int? {
    let matches = rankPattern.filter { module == $0.0 || module.hasSuffix("." + $0.0) }
    return matches.max(by: { $0.0.count < $1.0.count })?.1 ?? rank
  }

  /// `adapter_config.json` in the checkpoint's directory (or beside the file); nil when absent.
  public static func find(for catalog: Catalog) -> AdapterConfig? {
    if RemoteAddress.isRemote(catalog.path) { return nil }
    let directory = FileSystem.kind(of: catalog.path) == .directory ? catalog.path : FileSystem.directoryName(catalog.path)
    let path = FileSystem.join(directory, "adapter_config.json")
    guard FileSystem.kind(of: path) == .file, let file = try? MappedFile(path: path) else { return nil }
    guard let root = file.withSpan({ try? ConfigFile.parse($0) }) else { return nil }
    return parse(ConfigFile(path: path, root: root))
  }

  public static func parse(_ config: ConfigFile) -> AdapterConfig {
    var result = AdapterConfig(path: config.path, rank: config.integer("r"), fanInFanOut: config.bool("fan_in_fan_out") ?? false)
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
      }
    }
    return result
  }
}
