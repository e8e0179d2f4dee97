/// Sums a catalog by component, dtype, layer and role. Parameters are logical elements of tensors
/// whose role is `parameter`; buffers and quantization bookkeeping are counted beside them, never
/// in them. Bytes are what the tensors occupy in the files.
public enum Counter {
  public static func count(_ catalog: Catalog) -> CountSummary {
    var tally = Tally()
    // Records are borrowed in place through a span: copying 20,000 records out of the array
    // (each a retain and a release of its name and dtype) cost as much as the counting.
    // (A record passed whole is copied out of the span; its fields are read in place.)
    let records = catalog.tensors.span
    for k in records.indices {
      tally.add(
        bytes: records[k].bytes, elements: records[k].elements, parameters: records[k].parameters,
        role: records[k].role, component: records[k].component, layer: records[k].layer, dtype: records[k].dtype)
    }
    var summary = CountSummary(totals: tally.totals)
    summary.byComponent = Component.allCases.compactMap { component in
      let row = tally.components[component.index]
      return row.tensors == 0 ? nil : .init(key: component.rawValue, row: row)
    }
    // Largest first: the dtype mix reads best with the dominant type leading.
    summary.byDType = zip(tally.dtypes.names, tally.dtypeRows).sorted { ($0.1.bytes, $1.0) > ($1.1.bytes, $0.0) }
      .map { .init(key: $0.0, row: $0.1) }
    summary.byComponentDType = Component.allCases.flatMap { component in
      tally.pairs[component.index].enumerated().filter { $0.element.tensors > 0 }
        .map { CountSummary.ComponentDType(component: component, dtype: tally.dtypes.names[$0.offset], row: $0.element) }
        .sorted { $0.dtype < $1.dtype }
    }
    summary.byLayer = tally.layerRows.enumerated().filter { $0.element.tensors > 0 }.map { CountSummary.LayerRow(layer: $0.offset, row: $0.element) }
      + tally.layers.sorted { $0.key < $1.key }.map { CountSummary.LayerRow(layer: $0.key, row: $0.value) }
    summary.byRole = [Role.parameter, .buffer, .quantAux].compactMap { role in
      tally.roles[role.index].tensors == 0 ? nil : .init(key: role.rawValue, row: tally.roles[role.index])
    }
    summary.tiedHead = TiedHead.detect(in: catalog)
    return summary
  }

  /// The running sums. Rows are kept in arrays indexed by component, role and dtype number: a
  /// 20,000-tensor header would otherwise spend most of its counting time hashing dtype strings.
  /// A struct with a mutating method, not a local function: captured locals would be boxed and
  /// every access checked for exclusivity at run time.
  private struct Tally {
    var totals = CountSummary.Totals()
    var dtypes = DTypeIndex()
    var components = [CountSummary.Row](repeating: .init(), count: Component.allCases.count)
    var pairs = [[CountSummary.Row]](repeating: [], count: Component.allCases.count)
    var roles = [CountSummary.Row](repeating: .init(), count: 3)
    /// Layers in an array while their indices are small (always, in real models).
    var layerRows: [CountSummary.Row] = []
    var layers: [Int: CountSummary.Row] = [:]
    var dtypeRows: [CountSummary.Row] = []

    mutating func add(
      bytes recordBytes: UInt64?, elements: UInt64, parameters: UInt64, role: Role, component: Component, layer: Int?,
      dtype: String
    ) {
      let tensor = (
        bytes: recordBytes, elements: elements, parameters: parameters, role: role, component: component, layer: layer
      )
      let bytes = tensor.bytes ?? 0
      totals.tensors += 1
      totals.bytes = totals.bytes.plus(bytes)
      if tensor.bytes == nil { totals.tensorsOfUnknownSize += 1 }
      let d = dtypes.index(of: dtype)
      if d == dtypeRows.count { dtypeRows.append(.init()) }
      dtypeRows[d].add(tensor.elements, bytes)
      roles[tensor.role.index].add(tensor.elements, bytes)
      switch tensor.role {
      case .parameter:
        // Parameters are logical weights: a packed int4 tensor holds 8 per stored I32.
        totals.parameters = totals.parameters.plus(tensor.parameters)
        if tensor.parameters != tensor.elements {
          totals.packedTensors += 1
          totals.packedStoredElements = totals.packedStoredElements.plus(tensor.elements)
        }
        let c = tensor.component.index
        components[c].add(tensor.parameters, bytes)
        while pairs[c].count <= d { pairs[c].append(.init()) }
        pairs[c][d].add(tensor.parameters, bytes)
        if let layer = tensor.layer {
          if layer < 4096 {
            while layerRows.count <= layer { layerRows.append(.init()) }
            layerRows[layer].add(tensor.parameters, bytes)
          } else {
            layers[layer, default: .init()].add(tensor.parameters, bytes)
          }
        }
      case .buffer:
        totals.bufferElements = totals.bufferElements.plus(tensor.elements)
      case .quantAux:
        totals.quantAuxElements = totals.quantAuxElements.plus(tensor.elements)
      }
    }
  }

  /// Numbers the distinct dtypes in order of appearance. Checkpoints use a handful, and tensors
  /// of one dtype come in runs, so the last one found is tried first.
  private struct DTypeIndex {
    var names: [String] = []
    var last = 0

    mutating func index(of dtype: String) -> Int {
      if last < names.count && names[last] == dtype { return last }
      if let found = names.firstIndex(of: dtype) {
        last = found
        return found
      }
      names.append(dtype)
      last = names.count - 1
      return last
    }
  }
}

/// What `Counter` finds.
public struct CountSummary: Equatable, Sendable {
  public struct Totals: Equatable, Sendable {
    public var tensors = 0
    /// Logical elements of parameter tensors.
    public var parameters: UInt64 = 0
    public var bufferElements: UInt64 = 0
    public var quantAuxElements: UInt64 = 0
    /// Bytes of all tensors whose size is known.
    public var bytes: UInt64 = 0
    /// Tensors whose dtype is unknown, so their bytes are not in `bytes`.
    public var tensorsOfUnknownSize = 0
    /// Parameter tensors stored packed (several weights per stored element) and their stored elements.
    public var packedTensors = 0
    public var packedStoredElements: UInt64 = 0
    public var nonParameterElements: UInt64 { bufferElements.plus(quantAuxElements) }
  }

  /// Tensors, elements and bytes of one group.
  public struct Row: Equatable, Sendable {
    public var tensors = 0
    public var elements: UInt64 = 0
    public var bytes: UInt64 = 0
    mutating func add(_ elements: UInt64, _ bytes: UInt64) {
      tensors += 1
      self.elements = self.elements.plus(elements)
      self.bytes = self.bytes.plus(bytes)
    }
    /// Stored bits per element of the group.
    public var bitsPerElement: Double { elements == 0 ? 0 : Double(bytes) * 8 / Double(elements) }
  }

  public struct Keyed: Equatable, Sendable {
    public var key: String
    public var row: Row
  }

  public struct ComponentDType: Equatable, Sendable {
    public var component: Component
    public var dtype: String
    public var row: Row
  }

  public struct LayerRow: Equatable, Sendable {
    public var layer: Int
    public var row: Row
  }

  public var totals: Totals
  /// Parameter tensors by component, in `Component` order.
  public var byComponent: [Keyed] = []
  /// All tensors by dtype, largest first.
  public var byDType: [Keyed] = []
  /// Parameter tensors by component and dtype.
  public var byComponentDType: [ComponentDType] = []
  /// Parameter tensors by block index.
  public var byLayer: [LayerRow] = []
  /// All tensors by role: parameter, buffer, quant_aux (only roles present).
  public var byRole: [Keyed] = []
  public var tiedHead = TiedHead(state: .notApplicable, embedding: nil, head: nil, headMatchesEmbeddingShape: false)

  /// Parameters of one component (0 when absent).
  public func parameters(of component: Component) -> UInt64 {
    byComponent.first { $0.key == component.rawValue }?.row.elements ?? 0
  }
}
