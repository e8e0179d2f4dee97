import ArgumentParser
import CheckpointKit

struct Validate: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check checkpoints structurally and list every problem found.",
    discussion: """
      Checks every rule the readers enforce (header length and cap, UTF-8, JSON, offsets that tile the data exactly, sizes that match shape x dtype, GGUF counts, types, dimensions, alignment, shards against their index) and goes on after a problem wherever the format allows, so one run lists them all.

      A directory of several unrelated checkpoints (no index, not a split set) is validated file by file, a line each.

      Exit status: 0 every input is valid; 1 at least one is invalid; 64 bad command-line usage; 66 an input cannot be opened or read; 67 an input is another format (a Git LFS pointer, a PyTorch pickle, an HTML page).
      """)

  @OptionGroup var inputs: InputOptions

  func run() throws {
    let style = inputs.style
    func output(_ text: String) { if !inputs.quiet { print(text) } }
    var documents: [JSONValue] = []
    var allValid = true
    var unreadable: Int32 = 0
    // A directory of unrelated checkpoints is validated file by file, a line each.
    let paths = inputs.paths.flatMap { CheckpointLoader.separateCheckpoints(in: $0) ?? [$0] }
    for path in paths {
      let result = ValidationResult.validate(path, full: inputs.full, remote: inputs.values.remote)
      // A file that cannot be opened, or is another format, is not a validation result.
      if result.catalog == nil, result.problems.count == 1, let error = result.problems.first, error.isUnreadable || error.isForeign {
        printError("error: \(error)")
        unreadable = max(unreadable, Status.of(error))
        if inputs.json || inputs.ndjson {
          let document = JSONReport.error(path, error)
          if inputs.ndjson { output(document.serialized(pretty: false)) } else { documents.append(document) }
        }
        continue
      }
      allValid = allValid && result.isValid
      if inputs.json || inputs.ndjson {
        let document = json(result)
        if inputs.ndjson { output(document.serialized(pretty: false)) } else { documents.append(document) }
      } else {
        // One line per input (and per problem), for grep: not wrapped.
        output(text(result, style: style))
      }
    }
    if inputs.json {
      output(documents.count == 1 ? documents[0].serialized() : JSONValue.array(documents).serialized())
    }
    if unreadable != 0 { throw ExitCode(unreadable) }
    if !allValid { throw ExitCode(1) }
  }

  func text(_ result: ValidationResult, style: TextStyle = .plain) -> String {
    guard result.isValid, let catalog = result.catalog else {
      let count = result.problems.count
      var lines = ["\(result.path): \(style.paint("invalid", .error)), \(TextReport.plural(count, "problem"))"]
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
