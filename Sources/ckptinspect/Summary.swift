import ArgumentParser
import CheckpointKit

struct Summary: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Summarize checkpoints: parameters by component and dtype, bytes, tied head (the default).")

  @OptionGroup var inputs: InputOptions
  @OptionGroup var output: MarkdownOption

  @Flag(help: "Print full integers instead of 134.5M-style figures, and bytes instead of 96.6 MB.")
  var exact = false

  @Flag(help: "Add a table of parameters per layer.")
  var layers = false

  @Flag(help: "With --json: include every tensor in a tensors[] array.")
  var tensors = false

  @Flag(help: "For hf:// repos: list the checkpoints the repo holds (each GGUF, each safetensors set, each folder's), with sizes, instead of reading one.")
  var list = false

  func validate() throws {
    if tensors && !inputs.json && !inputs.ndjson {
      throw ValidationError("--tensors adds every tensor to --json output; for a table of tensors run `ckptinspect tensors PATH`.")
    }
  }

  func run() throws {
    var options = inputs.values
    options.markdown = output.markdown
    if list { RepoList.run(options) }
    try Summary.run(options, exact: exact, layers: layers, tensors: tensors)
  }

  /// The summary itself, shared with the fast path in CKPTInspect.main.
  static func run(_ options: Runner.Options, exact: Bool, layers: Bool, tensors: Bool) throws {
    let style = options.style
    try Runner(options: options).run(
      text: { catalog in
        let summary = Counter.count(catalog)
        let audit = Auditor.audit(catalog, summary, config: ConfigFile.find(for: catalog))
        return TextReport.summary(catalog, summary, options: .init(exact: exact, layers: layers, style: style)) + "\n\n"
          + AuditReport.text(audit, exact: exact, style: style)
      },
      json: { catalog in
        let summary = Counter.count(catalog)
        let audit = Auditor.audit(catalog, summary, config: ConfigFile.find(for: catalog))
        guard case .object(var members) = JSONReport.summary(catalog, summary, tensors: tensors) else { return .null }
        members.insert(("audit", AuditReport.json(audit)), at: members.count - (tensors ? 2 : 1))
        return .object(members)
      },
      markdown: { catalog in
        let summary = Counter.count(catalog)
        let audit = Auditor.audit(catalog, summary, config: ConfigFile.find(for: catalog))
        return MarkdownReport.summary(catalog, summary, audit: audit, exact: exact, layers: layers)
      })
  }
}
