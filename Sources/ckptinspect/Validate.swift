import ArgumentParser
import CheckpointKit

struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check checkpoints structurally and list every problem found.",
    discussion: """
      Checks every rule the readers enforce (header length and cap, UTF-8, JSON, offsets that tile
      the data exactly, sizes that match shape x dtype, GGUF counts, types, dimensions, alignment,
      shards against their index) and goes on after a problem wherever the format allows, so one
      run lists them all.

      Exit status: 0 every input is valid; 1 at least one is invalid or cannot be read;
      64 bad command-line usage.
      """)

  @OptionGroup var inputs: InputOptions

  func run() throws {
    var documents: [JSONValue] = []
    var allValid = true
    for path in inputs.paths {
      let result = ValidationResult.validate(path, full: inputs.full, remote: inputs.values.remote)
      allValid = allValid && result.isValid
      if inputs.json || inputs.ndjson {
        let document = json(result)
        if inputs.ndjson { print(document.serialized(pretty: false)) } else { documents.append(document) }
      } else {
        print(text(result))
      }
    }
    if inputs.json {
      print(documents.count == 1 ? documents[0].serialized() : JSONValue.array(documents).serialized())
    }
    if !allValid { throw ExitCode(1) }
  }

  func text(_ result: ValidationResult) -> String {
    guard result.isValid, let catalog = result.catalog else {
      let count = result.problems.count
      var lines = ["\(result.path): invalid, \(TextReport.plural(count, "problem"))"]
      lines += result.problems.map { "  " + $0.description }
      return lines.joined(separator: "\n")
    }
    var line = "\(result.path): valid (\(catalog.format.rawValue), \(TextReport.plural(catalog.tensors.count, "tensor"))"
    if !catalog.warnings.isEmpty { line += ", " + TextReport.plural(catalog.warnings.count, "warning") }
    var lines = [line + ")"]
    lines += catalog.warnings.map { "  warning: " + $0 }
    return lines.joined(separator: "\n")
  }

  func json(_ result: ValidationResult) -> JSONValue {
    .object([
      ("schema", .string(JSONReport.schema)),
      ("path", .string(result.path)),
      ("valid", .bool(result.isValid)),
      ("format", result.catalog.map { .string($0.format.rawValue) } ?? .null),
      ("tensors", result.catalog.map { .int($0.tensors.count) } ?? .null),
      ("problems", .array(result.problems.map(JSONReport.problem))),
      ("warnings", .array((result.catalog?.warnings ?? []).map(JSONValue.string))),
    ])
  }
}
