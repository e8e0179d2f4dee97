/// Sums a catalog by component, dtype, layer and role. Parameters are logical elements of tensors
/// whose role is `parameter`; buffers and quantization bookkeeping are counted beside them, never
/// in them. Bytes are what the tensors occupy in the files.
public enum Counter {
  public static func count(_ catalog: Catalog) -> CountSummary {
    var totals = CountSummary.Totals()
    var components: [Component: CountSummary.Row] = [:]
    var dtypes: [String: CountSummary.Row] = [:]
    var pairs: [PairKey: CountSummary.Row] = [:]
    var layers: [Int: CountSummary.Row] = [:]
    var roles: [Role: CountSummary.Row] = [:]

    for tensor in catalog.tensors {
      let bytes = tensor.bytes ?? 0
      totals.tensors += 1
      totals.bytes += bytes
      if tensor.bytes == nil { totals.tensorsOfUnknownSize += 1 }
      dtypes[tensor.dtype, default: .init()].add(tensor.elements, bytes)
      roles[tensor.role, default: .init()].add(tensor.elements, bytes)
      switch tensor.role {
      case .parameter:
        totals.parameters += tensor.elements
        components[tensor.component, default: .init()].add(tensor.elements, bytes)
        pairs[PairKey(component: tensor.component, dtype: tensor.dtype), default: .init()].add(tensor.elements, bytes)
        if let layer = tensor.layer { layers[layer, default: .init()].add(tensor.elements, bytes) }
      case .buffer:
        totals.bufferElements += tensor.elements
      case .quantAux:
        totals.quantAuxElements += tensor.elements
      }
    }

    var summary = CountSummary(totals: totals)
    summary.byComponent = components.sorted { $0.key < $1.key }.map { .init(key: $0.key.rawValue, row: $0.value) }
    // Largest first: the dtype mix reads best with the dominant type leading.
    summary.byDType = dtypes.sorted { ($0.value.bytes, $1.key) > ($1.value.bytes, $0.key) }.map { .init(key: $0.key, row: $0.value) }
    summary.byComponentDType = pairs.sorted { ($0.key.component, $0.key.dtype) < ($1.key.component, $1.key.dtype) }
      .map { CountSummary.ComponentDType(component: $0.key.component, dtype: $0.key.dtype, row: $0.value) }
    summary.byLayer = layers.sorted { $0.key < $1.key }.map { CountSummary.LayerRow(layer: $0.key, row: $0.value) }
    summary.byRole = [Role.parameter, .buffer, .quantAux].compactMap { role in
      roles[role].map { .init(key: role.rawValue, row: $0) }
    }
    summary.tiedHead = TiedHead.detect(in: catalog)
    return summary
  }

  private struct PairKey: Hashable {
    var component: Component
    var dtype: String
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
    public var nonParameterElements: UInt64 { bufferElements + quantAuxElements }
  }

  /// Tensors, elements and bytes of one group.
  public struct Row: Equatable, Sendable {
    public var tensors = 0
    public var elements: UInt64 = 0
    public var bytes: UInt64 = 0
    mutating func add(_ elements: UInt64, _ bytes: UInt64) {
      tensors += 1
      self.elements += elements
      self.bytes += bytes
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
