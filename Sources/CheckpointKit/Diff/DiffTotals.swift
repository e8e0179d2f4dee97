/// The totals a diff ends with: parameters and bytes of A and B per component and per layer,
/// so "blk.12 lost its ffn_gate" or "the vision tower was dropped" reads at a glance. Kept apart
/// from `Differ`'s matching: the totals read the catalogs and the matched result, nothing more.
///
/// Both sum every tensor of each catalog, as the parameter totals do. A layer row holds the
/// tensors the classifier gave a layer number, except those of an encoder tower (vision, audio,
/// their projector): a vision encoder numbers its own blocks, and its layer 3 is not the
/// language model's layer 3. Tensors without a layer (embedding, final norm, head) and the
/// towers are in the component rows only.
public enum DiffTotals {
  static let towers: Set<Component> = [.vision, .audio, .projector]

  /// Fills `byComponent` and `byLayer` of `diff`, whose tensors are already matched.
  public static func add(_ a: Catalog, _ b: Catalog, to diff: inout CheckpointDiff) {
    var components: [Component: CheckpointDiff.ComponentTotals] = [:]
    var layers: [Int: CheckpointDiff.LayerTotals] = [:]
    for t in a.tensors {
      components[t.component, default: .init(component: t.component)].parametersA += t.parameters
      components[t.component, default: .init(component: t.component)].bytesA += t.bytes ?? 0
      if let layer = t.layer, !towers.contains(t.component) {
        layers[layer, default: .init(layer: layer)].parametersA += t.parameters
        layers[layer, default: .init(layer: layer)].bytesA += t.bytes ?? 0
      }
    }
    for t in b.tensors {
      components[t.component, default: .init(component: t.component)].parametersB += t.parameters
      components[t.component, default: .init(component: t.component)].bytesB += t.bytes ?? 0
      if let layer = t.layer, !towers.contains(t.component) {
        layers[layer, default: .init(layer: layer)].parametersB += t.parameters
        layers[layer, default: .init(layer: layer)].bytesB += t.bytes ?? 0
      }
    }
    // A side's layer row exists whenever it holds a tensor of that layer, so these land in a
    // row already there.
    for s in diff.onlyInA {
      if let layer = s.layer, !towers.contains(s.component) { layers[layer]?.onlyInA.append(withinLayer(s.name, layer)) }
    }
    for s in diff.onlyInB {
      if let layer = s.layer, !towers.contains(s.component) { layers[layer]?.onlyInB.append(withinLayer(s.name, layer)) }
    }
    for c in diff.changed where c.changes.contains("shape") {
      if let layer = c.a.layer, !towers.contains(c.a.component) { layers[layer]?.reshaped.append(withinLayer(c.a.name, layer)) }
    }
    diff.byComponent = components.values.sorted { $0.component < $1.component }
    diff.byLayer = layers.values.sorted { $0.layer < $1.layer }
    for k in diff.byLayer.indices {
      diff.byLayer[k].onlyInA.sort()
      diff.byLayer[k].onlyInB.sort()
      diff.byLayer[k].reshaped.sort()
    }
  }

  /// `name` from its layer on, without a final `.weight`: `model.layers.12.mlp.gate_proj.weight`
  /// is `mlp.gate_proj`, `blk.12.ffn_gate.weight` is `ffn_gate` (the layer row says which layer).
  /// A name whose layer is not written as `container.N.` is kept whole.
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
