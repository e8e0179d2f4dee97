import ArgumentParser
import CheckpointKit

struct MemoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "memory",
    abstract: "Estimate what a checkpoint costs to store, serve (weights + KV cache) and fine-tune.",
    discussion: """
      Sizes are printed in binary units (1 GiB = 2^30 bytes), one unit per line, and given in bytes \
      in JSON; a size past 2^64 - 1 bytes is 'overflow' (null in JSON) with a warning. --explain \
      states every formula.
      """)

  @OptionGroup var inputs: InputOptions
  @OptionGroup var output: MarkdownOption

  @Option(help: "Context length in tokens for the KV cache (default: the model's trained context; past it is a warning).")
  var context: Int?

  @Option(help: "Sequences served at once.")
  var batch = 1

  @Option(help: "KV cache element type: f16, q8_0 or q4_0.")
  var cacheType = "f16"

  @Option(help: "GPU memory to check against: sizes (24GiB = 24 x 2^30 bytes, 80GB = 80 x 10^9) or names (rtx4090, a100-80g, h100; any case), comma-separated.")
  var gpu: String?

  @Option(help: "LoRA rank for the fine-tuning estimate.")
  var loraRank = 16

  @Flag(help: "State the formulas used.")
  var explain = false

  func validate() throws {
    if let context, context <= 0 { throw ValidationError("--context must be positive.") }
    if batch <= 0 { throw ValidationError("--batch must be positive.") }
    if !MemoryEstimate.cacheTypes.contains(where: { $0.name == cacheType }) {
      throw ValidationError("--cache-type must be f16, q8_0 or q4_0.")
    }
    if let gpu, let problem = MemoryEstimate.GPU.problem(in: gpu) {
      throw ValidationError(problem.hasSuffix("?") || problem.hasSuffix(")") ? problem : problem + ".")
    }
    if loraRank <= 0 { throw ValidationError("--lora-rank must be positive.") }
  }

  func estimate(_ catalog: Catalog) -> MemoryEstimate {
    let summary = Counter.count(catalog)
    let config = ConfigFile.find(for: catalog)
    let active = Auditor.audit(catalog, summary, config: config).actual.activeParameters
    let options = MemoryEstimate.Options(
      context: context, batch: batch, cacheType: cacheType, gpus: gpu.flatMap(MemoryEstimate.GPU.parse) ?? [],
      loraRank: loraRank)
    return MemoryEstimate.estimate(catalog, summary, config: config, active: active, options: options)
  }

  func run() throws {
    // Per-layer keys (head_count_kv, sliding_window_pattern) are arrays as long as the model is
    // deep: keep them whole, not the first eight items the other reports show.
    try Runner(options: inputs, markdown: output, load: LoadOptions(arrayItems: AttentionShape.maxLayers)).run(
      text: { catalog in
        let memory = estimate(catalog)
        for warning in memory.warnings { printError("warning: \(warning)") }
        return catalog.path + "\n" + MemoryReport.text(memory, explain: explain)
      },
      json: { catalog in
        .object([("schema", .string(JSONReport.schema)), ("path", .string(catalog.path)), ("memory", MemoryReport.json(estimate(catalog)))])
      },
      markdown: { catalog in MarkdownReport.memory(estimate(catalog), path: catalog.path, explain: explain) })
  }
}
