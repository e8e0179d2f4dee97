/// How llama.cpp would spread a model over GPUs and the host: the most layers `-ngl N` puts on
/// the GPUs with every GPU keeping a margin free, and for MoE models the fewest layers whose
/// experts stay on the host (`--n-cpu-moe N`) so that everything else fits.
///
/// llama.cpp's rules (llama-model.cpp load_tensors, 0c1e57098): the layers are the n repeating
/// blocks plus the output layer as layer n; `-ngl N` offloads layers n + 1 - N ... n, so the
/// output layer goes first (-ngl 1 offloads only it) and -ngl n + 1 offloads everything; the
/// input layer (token_embd) always stays on the host. Offloaded layer il goes to the GPU whose
/// share of the cumulative `--tensor-split` covers (il - first) / N. A layer's KV cache lives with
/// the layer. The GPU that holds the output layer also computes the logits, so its compute buffer
/// is the whole graph's; the others need the largest layer's.
public struct OffloadPlan: Equatable, Sendable {
  /// What one GPU holds.
  public struct Device: Equatable, Sendable {
    public var gpu: MemoryEstimate.GPU
    /// Repeating layers placed here, first and last (nil: none).
    public var layers: ClosedRange<Int>?
    public var holdsOutput: Bool
    public var weightBytes: UInt64
    public var cacheBytes: UInt64
    public var computeBytes: UInt64
    public var bytes: UInt64 { weightBytes &+ cacheBytes &+ computeBytes }
  }

  /// llama.cpp's `-ngl`: repeating layers plus the output layer offloaded.
  public var gpuLayers: Int
  /// `--n-cpu-moe`: the first N layers keep their experts on the host (nil: not used).
  public var cpuMoELayers: Int?
  public var devices: [Device]
  /// What stays on the host: weights (input layer, layers not offloaded, experts kept back), their
  /// caches, the output buffer and the host's compute buffer.
  public var hostBytes: UInt64
  /// Repeating layers of the model.
  public var layers: Int
  /// The `--tensor-split` shares, when there are several GPUs.
  public var tensorSplit: [Double]?
  /// Memory each GPU keeps free: llama.cpp's `--fit` target (1 GiB per device).
  public static let margin: UInt64 = 1 << 30

  /// Everything, output layer included, is on the GPUs.
  public var isFull: Bool { gpuLayers == layers + 1 && (cpuMoELayers ?? 0) == 0 }

  /// The flags that reproduce this plan.
  public var flags: String {
    var parts = ["-ngl \(gpuLayers)"]
    if let m = cpuMoELayers, m > 0 { parts.append("--n-cpu-moe \(m)") }
    if let split = tensorSplit {
      // Whole shares as integers (3,1), others with two decimals (23.41,15).
      let shares = split.map { $0 == $0.rounded() && $0 < 1e9 ? String(Int($0)) : Units.fixed($0, 2) }
      parts.append("--tensor-split " + shares.joined(separator: ","))
    }
    return parts.joined(separator: " ")
  }

  /// The placement for `-ngl gpuLayers` (and `--n-cpu-moe`), with no check that it fits.
  static func place(_ m: LlamaCppMemory, gpus: [MemoryEstimate.GPU], split: [Double], gpuLayers: Int, cpuMoE: Int) -> OffloadPlan {
    let n = m.shape.layers
    let ngl = min(max(gpuLayers, 0), n + 1)
    let first = n + 1 - ngl
    let total = split.reduce(0, +)
    var cumulative: [Double] = []
    var sum = 0.0
    for s in split {
      sum += s
      cumulative.append(total > 0 ? sum / total : 1)
    }
    func device(_ il: Int) -> Int {
      let x = Double(il - first) / Double(max(ngl, 1))
      return min(cumulative.firstIndex { $0 > x } ?? gpus.count - 1, gpus.count - 1)
    }
    var devices = gpus.map { Device(gpu: $0, layers: nil, holdsOutput: false, weightBytes: 0, cacheBytes: 0, computeBytes: 0) }
    var host: UInt64 = m.shape.inputBytes &+ (m.outputBytes ?? 0)
    let layerPeak = m.compute.layerPeak ?? 0
    let whole = m.computeBytes ?? 0
    for il in 0..<n {
      let weights = m.shape.layerBytes[il]
      let experts = il < cpuMoE ? m.shape.layerExpertBytes[il] : 0
      let cache = il < m.layerCacheBytes.count ? m.layerCacheBytes[il] : 0
      guard il >= first else {
        host = host &+ weights &+ cache
        continue
      }
      let k = device(il)
      devices[k].weightBytes = devices[k].weightBytes &+ weights &- experts
      devices[k].cacheBytes = devices[k].cacheBytes &+ cache
      devices[k].layers = devices[k].layers.map { $0.lowerBound...il } ?? il...il
      host = host &+ experts
    }
    if ngl > 0 {
      let k = device(n)
      devices[k].weightBytes = devices[k].weightBytes &+ m.shape.outputLayerBytes
      devices[k].holdsOutput = true
      for i in devices.indices where devices[i].layers != nil || devices[i].holdsOutput {
        devices[i].computeBytes = devices[i].holdsOutput ? whole : layerPeak
      }
      // The host still embeds the tokens of a micro-batch (and runs the layers kept back).
      host = host &+ (first > 0 || cpuMoE > 0 ? layerPeak : UInt64(m.shape.embedding) &* UInt64(m.resolved.ubatch) &* 4)
    } else {
      host = host &+ (m.shape.outputLayerBytes &- m.shape.tiedHeadBytes) &+ whole
    }
    return OffloadPlan(
      gpuLayers: ngl, cpuMoELayers: cpuMoE > 0 ? cpuMoE : nil, devices: devices, hostBytes: host, layers: n,
      tensorSplit: gpus.count > 1 ? split : nil)
  }

  /// `--tensor-split` shares ("3,1", "24,16"): nil unless all are numbers, none negative, one positive.
  public static func shares(_ text: String) -> [Double]? {
    let shares = text.split(separator: ",", omittingEmptySubsequences: false).map { Double(String($0).trimmingWhitespace()) }
    guard !shares.isEmpty, shares.allSatisfy({ ($0 ?? -1) >= 0 }), shares.contains(where: { ($0 ?? 0) > 0 }) else { return nil }
    return shares.compactMap { $0 }
  }

  func fits() -> Bool { devices.allSatisfy { $0.bytes &+ OffloadPlan.margin <= $0.gpu.bytes } }

  /// The plan for these GPUs: all layers if they fit; else, for an MoE model, all layers with the
  /// fewest layers' experts on the host; else the most layers that fit.
  public static func plan(_ m: LlamaCppMemory, gpus: [MemoryEstimate.GPU], tensorSplit: [Double]? = nil) -> OffloadPlan? {
    guard !gpus.isEmpty else { return nil }
    let split = tensorSplit.flatMap { $0.count == gpus.count ? $0 : nil }
      ?? gpus.map { Double($0.bytes > margin ? $0.bytes - margin : 0) / Double(1 << 30) }
    let n = m.shape.layers
    let full = place(m, gpus: gpus, split: split, gpuLayers: n + 1, cpuMoE: 0)
    if full.fits() { return full }
    if m.shape.layerExpertBytes.contains(where: { $0 > 0 }) {
      // Fewest layers with experts on the host: more of them never makes a GPU need more.
      var low = 1, high = n
      if place(m, gpus: gpus, split: split, gpuLayers: n + 1, cpuMoE: n).fits() {
        while low < high {
          let mid = (low + high) / 2
          if place(m, gpus: gpus, split: split, gpuLayers: n + 1, cpuMoE: mid).fits() { high = mid } else { low = mid + 1 }
        }
        return place(m, gpus: gpus, split: split, gpuLayers: n + 1, cpuMoE: low)
      }
    }
    var best = place(m, gpus: gpus, split: split, gpuLayers: 0, cpuMoE: 0)
    for ngl in stride(from: n, through: 1, by: -1) {
      let p = place(m, gpus: gpus, split: split, gpuLayers: ngl, cpuMoE: 0)
      if p.fits() {
        best = p
        break
      }
    }
    return best
  }
}
