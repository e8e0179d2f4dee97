/// The totals a diff ends with: parameters and bytes of A and B per component and per layer,
/// so "blk.12 lost its ffn_gate" or "the vision tower was dropped" reads at a glance. Kept apart
/// from `Differ`'s matching: the totals read the catalogs and the matched result, nothing more.
///
/// Both sum every tensor of each catalog, as the parameter totals do: bytes of all, parameters
/// as the summary counts them (`learned`: none in buffers or quantization bookkeeping). A layer
/// row holds the tensors the classifier gave a layer number, except those of an encoder tower
/// (vision, audio, their projector): a vision encoder numbers its own blocks, and its layer 3 is
/// not the language model's layer 3. Tensors without a layer (embedding, final norm, head) and
/// the towers are in the component rows only.
public enum DiffTotals {
  static let towers: Set<Component> = [.vision, .audio, .projector]

  /// Parameters and bytes of one side's tensors, and how many there are.
  struct Sum {
    var tensors = 0
    var parameters: UInt64 = 0
    var bytes: UInt64 = 0

    mutating func add(_ parameters: UInt64, _ bytes: UInt64?) {
      tensors += 1
      self.parameters = self.parameters.plus(parameters)
      self.bytes = self.bytes.plus(bytes ?? 0)
    }
  }

  /// One side summed by component (indexed as `Component.allCases`) and by layer: an array
  /// below 4,096 layers (as `Counter` keeps them), else a dictionary. A 20,000-tensor header is
  /// summed in one pass without hashing each tensor twice.
  struct Sums {
    var components = [Sum](repeating: Sum(), count: Component.allCases.count)
    var layers: [Sum] = []
    var farLayers: [Int: Sum] = [:]

    init(_ catalog: Catalog) {
      // Fields read in place, by index: a copy of each 144-byte record costs (see Differ).
      let tensors = catalog.tensors
      for k in tensors.indices {
        let component = tensors[k].component, parameters = tensors[k].learned, bytes = tensors[k].bytes
        components[component.index].add(parameters, bytes)
        guard let layer = tensors[k].layer, !DiffTotals.towers.contains(component) else { continue }
        if layer < 4096 {
          if layers.count <= layer { layers += [Sum](repeating: Sum(), count: layer + 1 - layers.count) }
          layers[layer].add(parameters, bytes)
        } else {
          farLayers[layer, default: Sum()].add(parameters, bytes)
        }
      }
    }

    func layer(_ k: Int) -> Sum { k < 4096 ? (k < layers.count ? layers[k] : Sum()) : farLayers[k] ?? Sum() }
    var layerIndices: Set<Int> { Set(layers.indices.filter { layers[$0].tensors > 0 }).union(farLayers.keys) }
  }

  /// Fills `byComponent` and `byLayer` of `diff`, whose tensors are already matched.
  public static func add(_ a: Catalog, _ b: Catalog, to diff: inout CheckpointDiff) {
    let sa = Sums(a), sb = Sums(b)
    // allCases is the report order.
    diff.byComponent = Component.allCases.compactMap { c in
      let x = sa.components[c.index], y = sb.components[c.index]
      guard x.tensors + y.tensors > 0 else { return nil }
      return .init(component: c, parametersA: x.parameters, parametersB: y.parameters, bytesA: x.bytes, bytesB: y.bytes)
    }
    var layers: [Int: CheckpointDiff.LayerTotals] = [:]
    for k in sa.layerIndices.union(sb.layerIndices) {
      let x = sa.layer(k), y = sb.layer(k)
      layers[k] = .init(layer: k, parametersA: x.parameters, parametersB: y.parameters, bytesA: x.bytes, bytesB: y.bytes)
    }
    // A side's layer row exists whenever it holds a tensor of that layer, so these land in a
    // row already there.
    for s in diff.onlyInA {
      if let layer = s.layer, !towers.contains(s.component) { layers[layer]?.onlyInA.append(withinLayer(s.name, layer)) }
    }
    for s in diff.onlyInB {
      if let layer = s.layer, !towers.contains(s.component) { layers[layer]?.onlyInB.append(withinLayer(s.name, layer)) }
    }
    for s in diff.unmapped {
      if let layer = s.layer, !towers.contains(s.component) { layers[layer]?.unmapped.append(withinLayer(s.name, layer)) }
    }
    for c in diff.changed where c.changes.contains("shape") {
      if let layer = c.a.layer, !towers.contains(c.a.component) { layers[layer]?.reshaped.append(withinLayer(c.a.name, layer)) }
    }
    diff.byLayer = layers.values.sorted { $0.layer < $1.layer }
    for k in diff.byLayer.indices {
      diff.byLayer[k].onlyInA.sort()
      diff.byLayer[k].onlyInB.sort()
      diff.byLayer[k].reshaped.sort()
      diff.byLayer[k].unmapped.sort()
    }
  }

  /// `name` from its layer on, without a final `.weight`: `model.layers.12.mlp.gate_proj.weight`
  /// is `mlp.gate_proj`, `blk.12.ffn_gate.weight` is `ffn_gate` (the layer row says which layer).
  /// A name whose layer is not written as `container.N.` is kept whole (but for `.weight`).
  static func withinLayer(_ name: String, _ layer: Int) -> String {
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    let number = String(layer)
    var rest: ArraySlice<Substring> = parts[...]
    for k in parts.indices.dropLast(2) where NameClassifier.layerContainers.contains(parts[k].lowercased()) && parts[k + 1] == number {
      rest = parts[(k + 2)...]
      break
    }
    if rest.count > 1 && rest.last == "weight" { rest = rest.dropLast() }
    return rest.joined(separator: ".")
  }
}
