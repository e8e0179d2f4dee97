import ArgumentParser
import CheckpointKit

struct AuditCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit",
    abstract: "Compare the parameters a checkpoint holds with what its name, metadata and config claim.",
    discussion: """
      Sources: size labels in the file or directory name (7B, 135M, 8x7B, A3B), GGUF general.size_label and general.parameter_count, safetensors __metadata__ and index metadata (total_parameters, total_size), an adjacent config.json and GGUF hyperparameters (exact formulas for Llama-style decoders incl. MoE, GPT-2 and BERT), the rule of thumb 2Vd+12Ld² (shown, never held against the file), and --expect. Each difference is explained from the catalog where it can be (tied head, buffers, quantization bookkeeping, packed weights, MoE active vs total, label rounding, vision/MTP parameters); what cannot be explained is a finding.

      Exit status: 0 every figure agrees or is explained; 3 a finding (an unexplained difference, a failed --expect, a vocab-only file); 64 usage; 65, 66, 67 as for the other commands.
      """)

  @OptionGroup var inputs: InputOptions
  @OptionGroup var output: MarkdownOption

  @Option(help: "The parameter count you expect: a label such as 7B or an exact integer.")
  var expect: String?

  @Option(help: "Allowed difference for --expect, in percent (default 2 for labels, 0 for integers).")
  var tolerance: Double?

  @Flag(help: "Print full integers (bytes too).")
  var exact = false

  func validate() throws {
    if let expect, expect.hasPrefix("-") { throw ValidationError("--expect must be positive; got '\(expect)'.") }
    if let expect, ParameterExpectation(expect) == nil {
      throw ValidationError("--expect takes a size label such as 7B or 1.5B, or a whole number; got '\(expect)'.")
    }
    if let tolerance, tolerance < 0 { throw ValidationError("--tolerance must be positive (a percentage); got \(tolerance).") }
  }

  func run() throws {
    let expectation = expect.flatMap { ParameterExpectation($0, tolerance: tolerance.map { $0 / 100 }) }
    // The runner asks whether an input failed before it renders it: the audit is built once
    // there and kept for the report.
    var current: (path: String, audit: Audit)?
    func audit(_ catalog: Catalog) -> Audit {
      if let current, current.path == catalog.path { return current.audit }
      let audit = Auditor.audit(catalog, Counter.count(catalog), config: ConfigFile.find(for: catalog), expect: expectation)
      current = (catalog.path, audit)
      return audit
    }
    let style = inputs.style
    try Runner(options: inputs, markdown: output, findingsStatus: 3).run(
      text: { catalog in catalog.path + "\n" + AuditReport.text(audit(catalog), exact: exact, style: style) },
      json: { catalog in
        .object([("schema", .string(JSONReport.schema)), ("path", .string(catalog.path)), ("audit", AuditReport.json(audit(catalog)))])
      },
      markdown: { catalog in MarkdownReport.audit(audit(catalog), path: catalog.path, exact: exact) },
      failed: { catalog in !audit(catalog).passed })
  }
}
