import ArgumentParser
import CheckpointKit

/// `ckptinspect diff A B`: what changed between two checkpoints, from their headers.
struct DiffCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "diff",
    abstract: "Compare two checkpoints: tensors added, removed or changed, parameters, bytes, metadata, hyperparameters.",
    discussion: """
      Same format: tensors are matched by name; a weight is paired with its quantized form (GPTQ/AWQ qweight, weight_packed, MXFP4 _blocks, MLX's packed U32), a packed layout is not a shape change when the weights are as many, and scales, zero points and group indices are quantization bookkeeping, not added tensors. Hugging Face safetensors against GGUF: names are mapped to llama.cpp's (Llama, Mistral, Mixtral, Qwen2, Qwen2-MoE, Qwen3, Qwen3-MoE, Gemma 1/2/3, Phi-3, GPT-2, BERT, and the text model of multimodal checkpoints such as Gemma 3 and LLaVA), shapes compared in PyTorch order, per-expert tensors gathered into GGUF's stacked ffn_*_exps, and the converter's conventions accounted for, not reported: a head tied in one file and written out in the other, dropped buffers (rotary_emb.inv_freq, position_ids, GPT-2's attention masks), BERT's pooler and pre-training heads, a vision tower left for the mmproj file, GPT-2's Conv1D weights (compared transposed), fused vs split Q/K/V or gate/up (compared as one group, also between two GGUFs), RoPE tables computed from config.json (rope_freqs, rope_factors_*), Gemma's norms stored +1 and the Q/K permutation (same shapes). Names the mapping cannot place are listed as unmapped. Hyperparameters are compared through the fields the audit reads (GGUF keys, config.json); metadata keys within one format (arrays by type, length and content hash).

      The mmproj file (convert_hf_to_gguf.py --mmproj: general.type mmproj, v.* and mm.* tensors) can be diffed against the Hugging Face checkpoint too: the vision tower and projector are mapped (Gemma 3's SigLIP tower), and the text model, SigLIP's pooling head (dropped by the converter) and the projector norm stored +1 are conventions; the tower's hyperparameters (clip.vision.*) are compared with config.json's vision_config, and the text model's layer rows are left out.

      Adapter mode: when one side is an adapter (a directory with adapter_config.json and adapter_model.safetensors, a file with lora_A/lora_B tensors, or a GGUF adapter written by llama.cpp's convert_lora_to_gguf.py), in either order, the other side is its base (safetensors or GGUF) and the diff checks the fit. LoRA: every lora_A/lora_B pair names a base module (PEFT's base_model.model. prefix removed; a prefix the base lacks, like GPT-2's transformer., is allowed; on a GGUF base, names are mapped to llama.cpp's), lora_A in-features and lora_B out-features equal the module's (fan_in_fan_out: Conv1D stores [in, out]), the rank equals r (or rank_pattern). The other PEFT types are checked by their own layouts: AdaLoRA (rank init_r, lora_E), IA3 (one scale per out-feature, per in-feature for feedforward_modules), LoHa, LoKr (kron(w1, w2) = out x in), VeRA, prompt and P-tuning (virtual tokens as wide as the embedding), prefix tuning (layers x 2 x the key/value width). modules_to_save copies match the base module's shape, and copies of modules the base lacks (a classifier head) are listed as new, not as misfits. It prints PEFT's "trainable params: x || all params: y || trainable%" line from the files (all = base + adapter). Exit status 1 whenever the adapter does not fit (with or without --exit-code); 0 when it fits. Two adapters, or a PEFT type not listed here, is a one-line error (exit 64).

      The text report ends with the table by component and the layers that differ (parameters, or a tensor added, removed, reshaped or unmapped in that layer, named within it: "B lacks mlp.gate_proj"; consecutive layers that differ alike share a row, "0-31"); --layers lists every layer. Layers are the language model's: an encoder tower's (vision, audio) are in its component row. --markdown writes the same report as GitHub-flavoured Markdown tables, to paste into an issue (adapter mode too).

      --exit-code: exit 1 when they differ structurally: a tensor only in one, a shape changed, an unmapped tensor or a hyperparameter changed. A dtype or byte-size change alone (quantization) is not structural. Without --exit-code the status is 0 whenever both inputs were read; 64 usage; 65, 66, 67 as for the other commands.
      """)

  @Argument(help: ArgumentHelp("The first checkpoint (any input the other commands read), or a PEFT adapter directory.", valueName: "a"))
  var a: String

  @Argument(help: ArgumentHelp("The second checkpoint.", valueName: "b"))
  var b: String

  @Flag(help: "Write JSON.")
  var json = false

  @Flag(help: "Write Markdown tables, to paste into an issue or a pull request.")
  var markdown = false

  @Flag(help: "List identical tensors too (otherwise they are counted), and each dtype-only change (otherwise summarized when there are more than 24).")
  var all = false

  @Flag(help: "List every layer in the layer table (otherwise only the layers that differ).")
  var layers = false

  @Flag(help: "Exit 1 when the checkpoints differ structurally (see above).")
  var exitCode = false

  @Flag(name: [.short, .long], help: "Write nothing to standard output (for --exit-code).")
  var quiet = false

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

  func validate() throws {
    if !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout must be positive (seconds, at most 86400).") }
    if json && markdown { throw ValidationError("Choose one of --markdown and --json.") }
  }

  func run() throws {
    // Arrays are compared by a hash of all their bytes, taken while the header is read, so a
    // tokenizer's 128,000 tokens are never built; per-layer arrays are kept whole, as for memory.
    var options = LoadOptions(arrayItems: AttentionShape.maxLayers)
    options.hashArrays = true
    // hf:// repos and URLs, as for the other commands.
    options.remote.endpoint = endpoint
    options.remote.token = token
    options.remote.cache = !noCache
    options.remote.offline = offline
    options.remote.timeout = timeout
    var catalogs: [Catalog] = []
    for path in [a, b] {
      do {
        catalogs.append(try CheckpointLoader.load(path, options: options))
      } catch {
        printError("error: \(error)")
        throw ExitCode(Status.of(error))
      }
    }
    let adapterConfigs = catalogs.map { AdapterConfig.find(for: $0) }
    let adapterSide = (0..<2).first { AdapterChecker.isAdapter(catalogs[$0], config: adapterConfigs[$0]) }
    if let side = adapterSide {
      if AdapterChecker.isAdapter(catalogs[1 - side], config: adapterConfigs[1 - side]) {
        printError("error: both \(a) and \(b) are PEFT adapters; adapter mode compares an adapter with its base")
        throw ExitCode(64)
      }
      try runAdapterMode(adapter: catalogs[side], config: adapterConfigs[side], base: catalogs[1 - side])
      return
    }
    let diff = Differ.diff(
      catalogs[0], catalogs[1], configA: ConfigFile.find(for: catalogs[0]), configB: ConfigFile.find(for: catalogs[1]),
      listIdentical: all)
    if !quiet {
      if json {
        print(DiffReport.json(diff, all: all).serialized())
      } else if markdown {
        print(DiffReport.markdown(diff, all: all, layers: layers))
      } else {
        // Lines stay whole (a name mapped to its GGUF name is long): they are meant to be grepped.
        // Only the layer table fits the terminal, its last column wrapping.
        print(DiffReport.text(diff, all: all, layers: layers, width: Terminal.width()))
      }
    }
    if exitCode && diff.structurallyDifferent { throw ExitCode(1) }
  }

  /// Adapter mode: the fit check replaces the structural diff; not fitting is always exit 1.
  func runAdapterMode(adapter: Catalog, config: AdapterConfig?, base: Catalog) throws {
    let type = AdapterChecker.type(of: adapter, config: config)
    guard AdapterChecker.supportedTypes.contains(type) else {
      printError(
        "error: \(adapter.path): peft_type \(type) is not one adapter mode checks (\(AdapterChecker.supportedTypes.joined(separator: ", ")))")
      throw ExitCode(64)
    }
    let fit = AdapterChecker.check(adapter: adapter, config: config, base: base)
    if !quiet {
      print(json ? AdapterReport.json(fit, a: a, b: b).serialized() : markdown ? AdapterReport.markdown(fit) : AdapterReport.text(fit))
    }
    if !fit.fits { throw ExitCode(1) }
  }
}
