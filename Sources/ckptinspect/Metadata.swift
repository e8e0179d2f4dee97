import ArgumentParser
import CheckpointKit

struct Metadata: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show GGUF key/values or safetensors __metadata__.",
    discussion: """
      Arrays (such as a tokenizer's vocabulary) show their length and first items; --all reads them whole. Values are cut to fit the terminal (80 columns in a pipe, or COLUMNS); a value asked for with --key, and every line with --all, is printed uncut.
      """)

  @OptionGroup var inputs: InputOptions

  @Option(help: "Show only this key (for example general.architecture); the value is printed alone.")
  var key: String?

  @Flag(help: "Read arrays whole instead of their first items, and do not cut or wrap long lines.")
  var all = false

  func entries(_ catalog: Catalog) throws -> [MetadataEntry] {
    let entries = catalog.metadata + catalog.details.indexMetadata.map {
      MetadataEntry(key: "index." + $0.key, value: $0.value)
    }
    guard let key else { return entries }
    let matching = entries.filter { $0.key == key }
    if matching.isEmpty {
      let near = Metadata.suggestions(for: key, among: entries.map(\.key))
      let hint = near.isEmpty ? "" : " (did you mean \(near.map { "'\($0)'" }.joined(separator: ", "))?)"
      throw ReportFailure(kind: "missing_key", message: "\(catalog.path): no key '\(key)'\(hint)")
    }
    return matching
  }

  /// Keys that contain the one asked for (`context_length` finds `llama.context_length`), else
  /// keys within a few edits of it; at most three.
  static func suggestions(for key: String, among keys: [String]) -> [String] {
    let lower = key.lowercased()
    let containing = keys.filter { $0.lowercased().contains(lower) }
    if !containing.isEmpty { return Array(containing.prefix(3)) }
    let scored = keys.map { ($0, CKPTInspect.editDistance(lower, $0.lowercased())) }.filter { $0.1 <= max(2, key.count / 4) }
    return Array(scored.sorted { $0.1 < $1.1 }.prefix(3).map(\.0))
  }

  func run() throws {
    var runner = Runner(options: inputs)
    if all { runner.load.arrayItems = Int.max }
    // A value asked for by --key is printed as it is, for scripts; --all keeps lines whole.
    runner.fitsWidth = !all && key == nil
    let width = inputs.style.width
    try runner.run(
      text: { catalog in
        let found = try entries(catalog)
        if key != nil, let only = found.first { return TextReport.render(only.value) }
        return catalog.path + "\n" + (found.isEmpty ? "(no metadata)" : TextReport.metadata(found, full: all, width: width))
      },
      json: { catalog in
        .object([
          ("schema", .string(JSONReport.schema)), ("path", .string(catalog.path)),
          ("metadata", JSONReport.metadata(try entries(catalog))),
        ])
      })
  }
}
