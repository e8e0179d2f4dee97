/// The outcome of `ckptinspect validate` for one path: every problem found, not just the first,
/// where the format lets the reader go on after one.
public struct ValidationResult: Sendable {
  public var path: String
  /// The catalog, when the file could be read far enough to build one.
  public var catalog: Catalog?
  public var problems: [CheckpointError]
  public var isValid: Bool { problems.isEmpty }

  /// Reads `path` collecting problems. A fault that stops the reading (a truncated header,
  /// broken JSON) is the last problem listed.
  public static func validate(_ path: String, full: Bool = false, remote: RemoteOptions = RemoteOptions()) -> ValidationResult {
    do {
      var options = LoadOptions(collectProblems: true, full: full)
      options.remote = remote
      let catalog = try CheckpointLoader.load(path, options: options)
      return ValidationResult(path: path, catalog: catalog, problems: catalog.problems)
    } catch {
      return ValidationResult(path: path, catalog: nil, problems: [error])
    }
  }
}
