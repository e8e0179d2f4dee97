import ArgumentParser
import CheckpointKit

struct ScanCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scan",
    abstract: "Read every weight: NaN/Inf/zero counts, value statistics, duplicates, sha256.",
    discussion: """
      Unlike the other commands, scan reads all the tensor data, once, on every core. Every ggml type is dequantized and every safetensors dtype decoded, so the statistics are over the values the model computes with; a type it cannot decode is named in a note. Local, uncompressed files only.

      Findings come first: a tensor holding NaN or ±Inf, a weight that is all zero, a file whose sha256 differs from --expect-sha256 or from its Hugging Face cache blob name (a file inside ~/.cache/huggingface/hub/…/snapshots/ is checked against it without asking), data that ends before the last tensor. Notes do not fail: constant weights, tensors stored twice with the same bytes, types not decoded. Then the values per component (--layers: per layer, --tensors: per tensor).

      Statistics: Float64 sums per batch of values, batches combined with Chan's parallel update; std is the population one (numpy's default).

      Exit status: 0 clean; 1 a finding (NaN/Inf, an all-zero weight, a checksum mismatch); 64 bad usage; 65 malformed or truncated; 66 unreadable.
      """)

  @Argument(help: ArgumentHelp("Checkpoints: .safetensors or .gguf files, *.index.json, directories (one checkpoint, or several scanned one by one).", valueName: "path"))
  var paths: [String]

  @Flag(help: "Also list every tensor's statistics.")
  var tensors = false

  @Flag(help: "Also show the statistics per layer.")
  var layers = false

  @Flag(help: "Hash every file with SHA-256 in the same pass.")
  var sha256 = false

  @Option(help: ArgumentHelp("The SHA-256 the file must have (one file; 64 hex digits).", valueName: "hex"))
  var expectSha256: String?

  @Option(help: ArgumentHelp("Worker threads (default: one per core).", valueName: "n"))
  var threads: Int = 0

  @Flag(help: "Write JSON (one object, or an array for several inputs).")
  var json = false

  @Flag(name: [.short, .long], help: "Write nothing to standard output, for scripts that want only the exit status.")
  var quiet = false

  @Flag(help: "No progress bar on standard error.")
  var noProgress = false

  @Option(help: ArgumentHelp("Colour findings: auto, always or never.", valueName: "when"))
  var color: Terminal.ColorMode = .auto

  func validate() throws {
    if paths.isEmpty { throw ValidationError("Name at least one checkpoint.") }
    for path in paths where path == "-" || path.hasPrefix("hf://") || path.hasPrefix("http://") || path.hasPrefix("https://") {
      throw ValidationError("scan reads local files only: download \(path) first (the other commands read it remotely).")
    }
    if threads < 0 || threads > 1024 { throw ValidationError("--threads must be between 1 and 1024.") }
    if let expectSha256 {
      if expectSha256.utf8.count != 64 || !expectSha256.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }) {
        throw ValidationError("--expect-sha256 takes 64 hex digits.")
      }
      if paths.count > 1 { throw ValidationError("--expect-sha256 checks one file: name one.") }
    }
  }

  func run() throws {
    let style = Terminal.style(color)
    var status: Int32 = 0
    var documents: [JSONValue] = []
    // A directory of several unrelated checkpoints (GGUF files at several quantizations) is
    // scanned file by file, as validate reads it.
    let expanded = paths.flatMap { CheckpointLoader.separateCheckpoints(in: $0) ?? [$0] }
    if expectSha256 != nil && expanded.count > 1 {
      printError("error: --expect-sha256 checks one file; \(paths[0]) holds \(expanded.count) checkpoints: name one.")
      throw ExitCode(64)
    }
    for (k, path) in expanded.enumerated() {
      do {
        let catalog = try CheckpointLoader.load(path)
        if expectSha256 != nil && catalog.files.count > 1 {
          printError("error: --expect-sha256 checks one file; \(path) has \(catalog.files.count): use --sha256 and compare.")
          throw ExitCode(64)
        }
        var options = ScanOptions()
        options.sha256 = sha256
        options.expectedSHA256 = expectSha256
        options.threads = threads
        let showProgress = !noProgress && !quiet && ScanProgressLine.wanted
        if showProgress { options.progress = { ScanProgressLine.show($0, label: path) } }
        let result = try Scanner.scan(catalog, options: options)
        if showProgress { ScanProgressLine.clear() }
        status = max(status, result.status)
        if json {
          documents.append(ScanReport.json(result, tensors: tensors))
        } else if !quiet {
          if k > 0 { print("") }
          print(TextLayout.fit(ScanReport.text(result, tensors: tensors, layers: layers, style: style), width: style.width))
          for warning in catalog.warnings { printError("warning: \(warning)") }
        }
      } catch let error as CheckpointError {
        printError("error: \(error)")
        status = max(status, Status.of(error))
        if json { documents.append(JSONReport.error(path, error)) }
      }
    }
    if json && !quiet {
      print(documents.count == 1 ? documents[0].serialized() : JSONValue.array(documents).serialized())
    }
    if status != 0 { throw ExitCode(status) }
  }
}
