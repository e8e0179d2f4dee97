import ArgumentParser
import CheckpointKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The `ckptinspect` command: `summary` (the default), `tensors` and `metadata`.
@main
struct CKPTInspect: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "ckptinspect",
    abstract: "Tell the truth about model checkpoints: tensors, parameters, dtypes, components.",
    discussion: """
      Reads .safetensors files, sharded safetensors (a directory or its *.index.json), .gguf
      files and split GGUF, from their headers only: tensor data is never read.

      Exit status: 0 success; 64 bad command-line usage; 65 a checkpoint is malformed;
      66 a path cannot be opened or read. With several inputs, every input is reported and the
      status is that of the worst failure. Warnings (an unknown dtype, bytes after the last
      tensor) go to standard error in text mode and into warnings[] in JSON; they do not fail.
      `validate` has its own statuses: see `ckptinspect validate --help`.
      """,
    version: "0.1.0",
    subcommands: [Summary.self, Tensors.self, Metadata.self, Validate.self, AuditCommand.self, MemoryCommand.self],
    defaultSubcommand: Summary.self
  )

  static func main() {
    if let fast = FastPath(CommandLine.arguments.dropFirst()) {
      Glibc.exit(fast.run())
    }
    main(nil)
  }
}
