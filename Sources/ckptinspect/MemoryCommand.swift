import ArgumentParser
import CheckpointKit

struct MemoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "memory",
    abstract: "Estimate what a checkpoint costs to store, serve (weights + KV cache) and fine-tune.",
    discussion: """
      For a GGUF file, what llama.cpp allocates (\(LlamaCppSettings.version), checked against \
      its own figures): model, KV cache, output and compute buffers, and with --gpu the layers \
      it can offload (-ngl, --n-cpu-moe, --tensor-split). The other figures are generic: weights \
      at other precisions, a framework-agnostic serving estimate, fine-tuning. Sizes are printed \
      in binary units (1 GiB = 2^30 bytes), one unit per line, and given in bytes in JSON; a size \
      past 2^64 - 1 bytes is 'overflow' (null in JSON) with a warning. --explain states every formula.
      """)

  @OptionGroup var inputs: InputOptions
  @OptionGroup var output: MarkdownOption

  @Option(help: "Context length per sequence in tokens (default: the model's trained context; past it is a warning). llama.cpp's -c is this x --parallel.")
  var context: Int?

  @Option(help: "Sequences served at once (llama.cpp's -np).")
  var parallel = 1

  @Option(help: "llama.cpp's logical batch (-b).")
  var batch = 2048

  @Option(help: "llama.cpp's micro-batch (-ub): the tokens one graph evaluation holds; sizes the compute buffer.")
  var ubatch = 512

  @Option(help: "KV cache element type for both K and V: f16, q8_0, q4_0 (llama.cpp also takes f32, bf16, q4_1, q5_0, q5_1, iq4_nl).")
  var cacheType = "f16"

  @Option(help: "K cache type (llama.cpp's -ctk; default: --cache-type).")
  var cacheTypeK: String?

  @Option(help: "V cache type (llama.cpp's -ctv; default: --cache-type). A quantized V needs flash attention.")
  var cacheTypeV: String?

  @Option(help: "llama.cpp's flash attention (-fa): on, off or auto (auto is on where the backend runs it).")
  var flashAttention = "auto"

  @Option(help: "GPU memory to check against: sizes (24GiB = 24 x 2^30 bytes, 80GB = 80 x 10^9) or names (rtx4090, a100-80g, h100; any case); comma-separated alternatives, '+' for the GPUs of one machine (rtx4090+rtx3090).")
  var gpu: String?

  @Option(help: "Shares of the layers for the GPUs of a --gpu a+b machine, comma-separated, as llama.cpp's --tensor-split (default: by memory left after 1 GiB each).")
  var tensorSplit: String?

  @Option(help: "LoRA rank for the fine-tuning estimate.")
  var loraRank = 16

  @Flag(help: "State the formulas used.")
  var explain = false

  func validate() throws {
    if let context, context <= 0 { throw ValidationError("--context must be positive.") }
    if parallel <= 0 { throw ValidationError("--parallel must be positive.") }
    if batch <= 0 { throw ValidationError("--batch must be positive.") }
    if ubatch <= 0 { throw ValidationError("--ubatch must be positive.") }
    let types = LlamaCppSettings.cacheTypes.keys.sorted().joined(separator: ", ")
    for (name, value) in [("--cache-type", cacheType), ("--cache-type-k", cacheTypeK ?? cacheType), ("--cache-type-v", cacheTypeV ?? cacheType)]
    where LlamaCppSettings.cacheTypes[value] == nil {
      throw ValidationError("\(name) must be one of \(types).")
    }
    if LlamaCppSettings.FlashAttention(rawValue: flashAttention) == nil {
      throw ValidationError("--flash-attention must be on, off or auto.")
    }
    if let gpu, let problem = MemoryEstimate.GPU.problem(in: gpu) {
      throw ValidationError(problem.hasSuffix("?") || problem.hasSuffix(")") ? problem : problem + ".")
    }
    if let tensorSplit {
      guard let shares = OffloadPlan.shares(tensorSplit) else {
        throw ValidationError("--tensor-split takes non-negative shares, comma-separated (24,16).")
      }
      let machines = (gpu.flatMap(MemoryEstimate.GPU.parse) ?? []).filter { !$0.parts.isEmpty }
      guard !machines.isEmpty, machines.allSatisfy({ $0.parts.count == shares.count }) else {
        throw ValidationError("--tensor-split needs one share per GPU of a --gpu a+b machine (\(shares.count) given).")
      }
    }
    if loraRank <= 0 { throw ValidationError("--lora-rank must be positive.") }
  }

  func estimate(_ catalog: Catalog) -> MemoryEstimate {
    let summary = Counter.count(catalog)
    let config = ConfigFile.find(for: catalog)
    let active = Auditor.audit(catalog, summary, config: config).actual.activeParameters
    let llama = LlamaCppSettings(
      batch: batch, ubatch: ubatch, cacheTypeK: cacheTypeK ?? cacheType, cacheTypeV: cacheTypeV ?? cacheType,
      flashAttention: LlamaCppSettings.FlashAttention(rawValue: flashAttention) ?? .auto)
    let options = MemoryEstimate.Options(
      context: context, parallel: parallel, cacheType: cacheType, gpus: gpu.flatMap(MemoryEstimate.GPU.parse) ?? [],
      loraRank: loraRank, llamaCpp: llama,
      tensorSplit: tensorSplit.flatMap(OffloadPlan.shares))
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
