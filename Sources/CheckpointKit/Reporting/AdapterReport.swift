/// `ckptinspect diff ADAPTER BASE` as text and JSON: the verdict first (fits / does not fit,
/// with the problems), then the trainable-parameter line in PEFT's own words.
public enum AdapterReport {
  public static func verdict(_ f: AdapterFit) -> String {
    if f.fits {
      return "adapter fits the base: " + checked(f)
        + (f.newModules.isEmpty ? "" : "; \(f.newModules.count) new module\(f.newModules.count == 1 ? "" : "s") (\(f.newModules.joined(separator: ", ")))")
    }
    return "adapter does not fit the base: \(f.problems.count) problem\(f.problems.count == 1 ? "" : "s")"
  }

  /// What was checked, in the adapter type's own terms.
  static func checked(_ f: AdapterFit) -> String {
    switch f.adapterType {
    case "LORA": return "\(f.pairs) LoRA pair\(f.pairs == 1 ? "" : "s") checked"
    case "PROMPT_TUNING", "P_TUNING", "PREFIX_TUNING": return "\(names[f.adapterType] ?? f.adapterType) virtual tokens checked"
    default: return "\(f.modulesChecked) \(names[f.adapterType] ?? f.adapterType) module\(f.modulesChecked == 1 ? "" : "s") checked"
    }
  }

  /// PEFT's types as its documentation writes them.
  static let names = [
    "ADALORA": "AdaLoRA", "IA3": "IA3", "LOHA": "LoHa", "LOKR": "LoKr", "VERA": "VeRA",
    "PROMPT_TUNING": "prompt-tuning", "P_TUNING": "P-tuning", "PREFIX_TUNING": "prefix-tuning",
  ]

  /// PEFT's print_trainable_parameters line, with "all" = base + adapter from the files.
  public static func trainableLine(_ f: AdapterFit) -> String {
    "trainable params: \(Units.grouped(f.trainableParameters)) || all params: \(Units.grouped(f.baseParameters.plus(f.trainableParameters))) || trainable%: \(Units.fixed(f.trainablePercent, 4))"
  }

  public static func text(_ f: AdapterFit) -> String {
    var lines = [verdict(f)]
    for p in f.problems { lines.append("  " + p.message) }
    lines.append("adapter: \(f.adapterPath)")
    lines.append("base:    \(f.basePath)")
    if !f.newModules.isEmpty {
      lines.append("new modules (saved whole, not in the base): " + f.newModules.joined(separator: ", "))
    }
    lines.append(trainableLine(f))
    lines.append("base parameters: \(Units.grouped(f.baseParameters))")
    return lines.joined(separator: "\n")
  }

  /// GitHub-flavoured Markdown, to paste into an issue: the text report's lines, the paths
  /// and new modules as code, the problems as a list.
  public static func markdown(_ f: AdapterFit) -> String {
    let escape = MarkdownReport.escape, code = MarkdownReport.code
    var facts = MarkdownReport.Table(["adapter", code(f.adapterPath)], [.left, .left])
    facts.add(["base", code(f.basePath)], escaping: false)
    if !f.newModules.isEmpty {
      facts.add(["new modules (saved whole, not in the base)", f.newModules.map(code).joined(separator: ", ")], escaping: false)
    }
    facts.add(["base parameters", Units.grouped(f.baseParameters)])
    var out = ["**verdict**: " + escape(verdict(f))]
    if !f.problems.isEmpty { out.append(f.problems.map { "- " + escape($0.message) }.joined(separator: "\n")) }
    out.append(facts.render())
    // PEFT's own line, as code: it reads verbatim, as people know it from their training logs.
    // Outside a table its `||` needs no backslash (which `code` adds for cells).
    out.append("`" + trainableLine(f) + "`")
    return out.joined(separator: "\n\n")
  }

  /// `a` and `b` in the order they were named (either may be the adapter).
  public static func json(_ f: AdapterFit, a: String, b: String) -> JSONValue {
    .object([
      ("schema", .string(JSONReport.schema)),
      ("a", .string(a)), ("b", .string(b)),
      ("mode", .string("adapter")),
      ("verdict", .string(verdict(f))),
      (
        "adapter",
        .object([
          ("adapter_path", .string(f.adapterPath)), ("base_path", .string(f.basePath)),
          ("fits", .bool(f.fits)),
          (
            "problems",
            .array(
              f.problems.map {
                .object([
                  ("module", .string($0.module)), ("kind", .string($0.kind)),
                  ("expected", .array($0.expected.map(JSONValue.unsigned))), ("found", .array($0.found.map(JSONValue.unsigned))),
                  ("message", .string($0.message)),
                ])
              })
          ),
          ("new_modules", .array(f.newModules.map(JSONValue.string))),
          ("adapter_type", .string(f.adapterType)),
          ("lora_pairs", .int(f.pairs)),
          ("modules_checked", .int(f.modulesChecked)),
          ("trainable_parameters", .unsigned(f.trainableParameters)),
          ("base_parameters", .unsigned(f.baseParameters)),
          ("trainable_percent", .double(f.trainablePercent)),
        ])
      ),
    ])
  }
}
