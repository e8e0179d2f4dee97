import Testing
@testable import CheckpointKit

/// The offload plan on fixed GPU sizes: llama.cpp's layer order (output layer first, then the last
/// repeating layers), the 1 GiB margin, --n-cpu-moe for MoE models and --tensor-split.
@Suite struct OffloadPlanTests {
  static func memory(_ model: String, _ settings: LlamaCppSettings = .init()) throws -> LlamaCppMemory {
    let catalog = try #require(OracleModels.catalog(model))
    return try #require(LlamaCppMemory.estimate(catalog, attention: AttentionShape.from(gguf: catalog), settings: settings))
  }

  static func gpu(_ bytes: UInt64) -> MemoryEstimate.GPU { .init(name: "gpu", bytes: bytes) }

  @Test func everythingFitsABigGPU() throws {
    let m = try Self.memory("llama-gqa")
    let plan = try #require(OffloadPlan.plan(m, gpus: [Self.gpu(24 << 30)]))
    #expect(plan.gpuLayers == 5)  // 4 layers + the output layer
    #expect(plan.isFull)
    #expect(plan.flags == "-ngl 5")
    let d = plan.devices[0]
    #expect(d.layers == 0...3)
    #expect(d.holdsOutput)
    // The GPU holds every layer, the output layer, the whole KV cache and the whole compute buffer.
    #expect(d.weightBytes == m.shape.layerBytes.reduce(0, +) + m.shape.outputLayerBytes)
    #expect(d.cacheBytes == m.kvBytes)
    #expect(d.computeBytes == m.computeBytes)
    // The host keeps token_embd and the output buffer.
    #expect(plan.hostBytes == m.shape.inputBytes + m.outputBytes! + UInt64(512 * 512 * 4))
  }

  /// A GPU with room for the output layer, the compute buffer and exactly two layers (plus the
  /// margin) gets -ngl 3: the output layer and layers 2 and 3, as llama.cpp counts them.
  @Test func partialOffloadCountsTheOutputLayer() throws {
    let m = try Self.memory("llama-gqa")
    let layer = m.shape.layerBytes[3] + m.layerCacheBytes[3]
    let size = OffloadPlan.margin + m.computeBytes! + m.shape.outputLayerBytes + 2 * layer
    let plan = try #require(OffloadPlan.plan(m, gpus: [Self.gpu(size)]))
    #expect(plan.gpuLayers == 3)
    #expect(plan.devices[0].layers == 2...3)
    #expect(plan.flags == "-ngl 3")
    #expect(try #require(OffloadPlan.plan(m, gpus: [Self.gpu(size - 1)])).gpuLayers == 2)
    // Not even the output layer and the compute buffer: CPU only.
    #expect(try #require(OffloadPlan.plan(m, gpus: [Self.gpu(OffloadPlan.margin)])).gpuLayers == 0)
  }

  /// Nothing offloaded: the host holds what llama.cpp's CPU figures add up to (a tied head's
  /// matrix once).
  @Test func cpuOnlyIsTheTotal() throws {
    let m = try Self.memory("qwen2")
    let plan = try #require(OffloadPlan.plan(m, gpus: [Self.gpu(OffloadPlan.margin)]))
    #expect(plan.gpuLayers == 0)
    #expect(plan.hostBytes == m.totalBytes)
  }

  /// An MoE model that does not fit whole keeps every layer on the GPU but the first layers'
  /// experts on the host: --n-cpu-moe, the fewest layers that make it fit.
  @Test func moeExpertsStayOnTheHost() throws {
    let m = try Self.memory("wide-moe")
    let all = m.shape.layerBytes.reduce(0, +) + m.shape.outputLayerBytes + m.kvBytes! + m.computeBytes!
    let size = OffloadPlan.margin + all - m.shape.layerExpertBytes[0]
    let plan = try #require(OffloadPlan.plan(m, gpus: [Self.gpu(size)]))
    #expect(plan.gpuLayers == 3)
    #expect(plan.cpuMoELayers == 1)
    #expect(plan.flags == "-ngl 3 --n-cpu-moe 1")
    #expect(plan.devices[0].bytes == all - m.shape.layerExpertBytes[0])
    #expect(try #require(OffloadPlan.plan(m, gpus: [Self.gpu(size - 1)])).cpuMoELayers == 2)
  }

  /// Two GPUs: layers go by the cumulative --tensor-split shares, (il - first) / N against them
  /// (llama-model.cpp: upper_bound over the normalized split points).
  @Test func tensorSplit() throws {
    let m = try Self.memory("llama-gqa")
    let plan = try #require(OffloadPlan.plan(m, gpus: [Self.gpu(24 << 30), Self.gpu(24 << 30)], tensorSplit: [3, 1]))
    #expect(plan.isFull)
    #expect(plan.flags == "-ngl 5 --tensor-split 3,1")
    // 5 offloaded layers, split points 0.75 and 1: layers 0-3 are at 0, 0.2, 0.4, 0.6 -> GPU 0;
    // the output layer (0.8) -> GPU 1.
    #expect(plan.devices[0].layers == 0...3)
    #expect(plan.devices[1].layers == nil)
    #expect(plan.devices[1].holdsOutput)
    #expect(OffloadPlan.shares("24, 16") == [24, 16])
    #expect(OffloadPlan.shares("1,-1") == nil)
    #expect(OffloadPlan.shares("0,0") == nil)
  }
}
