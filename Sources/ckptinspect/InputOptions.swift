import ArgumentParser

/// Options every subcommand shares: the inputs and the output form.
struct InputOptions: ParsableArguments {
  @Argument(help: "Checkpoints: .safetensors or .gguf files, *.index.json, or directories holding one checkpoint.")
  var paths: [String]

  @Flag(help: "Write JSON (one object, or an array for several inputs).")
  var json = false

  @Flag(help: "Write newline-delimited JSON: one compact object per input.")
  var ndjson = false

  @Flag(help: "Decompress .zst files to their end: exact size and every frame checked (reads the whole file).")
  var full = false

  var values: Runner.Options { Runner.Options(paths: paths, json: json, ndjson: ndjson, full: full) }

  func validate() throws {
    if paths.isEmpty { throw ValidationError("Name at least one checkpoint.") }
    if json && ndjson { throw ValidationError("Choose one of --json and --ndjson.") }
  }
}
