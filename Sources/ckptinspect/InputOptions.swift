import ArgumentParser
import CheckpointKit

extension Terminal.ColorMode: ExpressibleByArgument {}

/// Options every subcommand shares: the inputs and the output form.
struct InputOptions: ParsableArguments {
  @Argument(
    help: ArgumentHelp(
      "Checkpoints: .safetensors or .gguf files (or .zst), *.index.json, directories holding one checkpoint, http(s) URLs, Hugging Face repos as hf://ORG/NAME[@REVISION][/PATH], or - for standard input (read as far as the header).",
      valueName: "path"))
  var paths: [String]

  @Flag(help: "Write JSON (one object, or an array for several inputs).")
  var json = false

  @Flag(help: "Write newline-delimited JSON: one compact object per input.")
  var ndjson = false

  @Flag(name: [.short, .long], help: "Write nothing to standard output and no warnings, for scripts that want only the exit status (errors still go to standard error).")
  var quiet = false

  @Option(help: ArgumentHelp("Colour findings, UNEXPLAINED results and errors: auto (on a terminal, unless NO_COLOR is set), always or never.", valueName: "when"))
  var color: Terminal.ColorMode = .auto

  @Flag(help: "Decompress .zst files to their end: exact size and every frame checked (reads the whole file).")
  var full = false

  @Option(help: ArgumentHelp("Hugging Face Hub endpoint for hf:// inputs (default: $HF_ENDPOINT, else https://huggingface.co).", valueName: "url"))
  var endpoint: String?

  @Option(help: ArgumentHelp("Token for gated or private repos (default: $HF_TOKEN, else the token file `hf auth login` writes).", valueName: "token"))
  var token: String?

  @Flag(help: "Neither read nor write the cache of remote headers and listings (~/.cache/ckptinspect/remote).")
  var noCache = false

  @Flag(help: "Make no network request: remote inputs must be in the cache.")
  var offline = false

  @Option(help: ArgumentHelp("Seconds to wait for a server to connect or send the next byte.", valueName: "seconds"))
  var timeout: Double = 30

  var values: Runner.Options {
    var remote = RemoteOptions()
    remote.endpoint = endpoint
    remote.token = token
    remote.cache = !noCache
    remote.offline = offline
    remote.timeout = timeout
    return Runner.Options(paths: paths, json: json, ndjson: ndjson, full: full, quiet: quiet, color: color, remote: remote)
  }

  /// Width and colour of standard output.
  var style: TextStyle { Terminal.style(color) }

  func validate() throws {
    if paths.isEmpty { throw ValidationError("Name at least one checkpoint.") }
    if json && ndjson { throw ValidationError("Choose one of --json and --ndjson.") }
    if !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout must be positive (seconds, at most 86400).") }
    if noCache && offline { throw ValidationError("--offline reads only the cache: it cannot go with --no-cache.") }
  }
}

/// `--markdown`, for the commands whose report is a table worth pasting into an issue
/// (summary, audit, memory, tensors).
struct MarkdownOption: ParsableArguments {
  @Flag(help: "Write Markdown tables, to paste into an issue or a pull request.")
  var markdown = false
}
