import ArgumentParser
import CheckpointKit

struct Metadata: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Show GGUF key/values or safetensors __metadata__.",
    discussion: """
      Arrays (such as a tokenizer's vocabulary) show their length and first items; --all reads
      them whole.
      """)

  @OptionGroup var inputs: InputOptions

  @Option(help: "Show only this key (for example general.architecture); the value is printed alone.")
  var key: String?

  @Flag(help: "Read arrays whole instead of their first items, and do not cut long lines.")
  var all = false

  func entries(_ catalog: Catalog) throws -> [MetadataEntry] {
    let entries = catalog.metadata + catalog.details.indexMetadata.map {
      MetadataEntry(key: "index." + $0.key, value: $0.value)
    }
    guard let key else { return entries }
    let matching = entries.filter { $0.key == key }
    if matching.isEmpty { throw ValidationError("\(catalog.path) has no metadata key '\(key)'.") }
    return matching
  }

  func run() throws {
    var runner = Runner(options: inputs)
    if all { runner.load.arrayItems = Int.max }
    try runner.run(
      text: { catalog in
        let found = try entries(catalog)
        if key != nil, let only = found.first { return TextReport.render(only.value) }
        return catalog.path + "\n" + (found.isEmpty ? "(no metadata)" : TextReport.metadata(found, full: all))
      },
      json: { catalog in
        .object([
          ("schema", .string(JSONReport.schema)), ("path", .string(catalog.path)),
          ("metadata", JSONReport.metadata(try entries(catalog))),
        ])
      })
  }
}
