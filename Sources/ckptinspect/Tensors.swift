import ArgumentParser
import CheckpointKit

extension TensorOrder: ExpressibleByArgument {}

struct Tensors: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the tensor catalog: one row per tensor with dtype, shape, size, component and role.")

  @OptionGroup var inputs: InputOptions
  @OptionGroup var output: MarkdownOption

  @Option(help: "Show only tensors whose name matches this pattern (* and ? wildcards, e.g. 'blk.0.*'); a pattern without wildcards matches anywhere in the name.")
  var filter: String?

  @Option(help: "Order: \(TensorOrder.allCases.map(\.rawValue).joined(separator: ", ")).")
  var sort: TensorOrder = .file

  @Flag(help: "Print full integers for elements and bytes.")
  var exact = false

  func selected(_ catalog: Catalog) -> [TensorRecord] {
    let pattern = filter.map(NamePattern.init)
    let kept = catalog.tensors.filter { pattern?.matches($0.name) ?? true }
    return sort.sorted(kept)
  }

  func run() throws {
    let style = inputs.style
    try Runner(options: inputs, markdown: output).run(
      text: { catalog in catalog.path + "\n" + TextReport.tensors(catalog, selected(catalog), exact: exact, style: style) },
      json: { catalog in
        .object([
          ("schema", .string(JSONReport.schema)), ("path", .string(catalog.path)),
          ("format", .string(catalog.format.rawValue)),
          ("tensors", JSONReport.tensorList(catalog, only: selected(catalog))),
        ])
      },
      markdown: { catalog in MarkdownReport.tensors(catalog, selected(catalog), exact: exact) })
  }
}
