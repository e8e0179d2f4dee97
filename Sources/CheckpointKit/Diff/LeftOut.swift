/// What a conversion leaves out of the text GGUF or the mmproj file on purpose, tallied per reason
/// so a diff says it in one line each ("vision tower (221 tensors) goes to llama.cpp's mmproj
/// file", "the text model (...) is in the text GGUF, not the mmproj file") instead of
/// listing every tensor as missing. The parameters are counted in `explainedDifference` by `Differ`.
struct LeftOut {
  var rotaryBuffers = 0
  /// Other buffers: BERT's position_ids, GPT-2's causal masks; the first name as an example.
  var buffers = 0
  var bufferExample = ""
  var heads = 0
  var headParameters: UInt64 = 0
  var towers = 0
  var towerParameters: UInt64 = 0
  var textModel = 0
  var textModelParameters: UInt64 = 0
  var visionHeads = 0
  var visionHeadParameters: UInt64 = 0

  mutating func add(_ why: GGUFNameMap.Dropped, _ t: TensorRecord) {
    switch why {
    case .buffer:
      if t.name.hasSuffix("rotary_emb.inv_freq") {
        rotaryBuffers += 1
      } else {
        if buffers == 0 { bufferExample = String(t.name) }
        buffers += 1
      }
    case .head:
      heads += 1
      headParameters += t.parameters
    case .multimodal:
      towers += 1
      towerParameters += t.parameters
    case .textModel:
      textModel += 1
      textModelParameters += t.parameters
    case .visionHead:
      visionHeads += 1
      visionHeadParameters += t.parameters
    }
  }

  func notes(_ path: String) -> [String] {
    var out: [String] = []
    if rotaryBuffers > 0 { out.append("\(rotaryBuffers) rotary_emb.inv_freq buffer(s) in \(path) are dropped by the converter") }
    if buffers > 0 {
      out.append("\(buffers) buffer(s) in \(path) (\(bufferExample)\(buffers > 1 ? ", ..." : "")) are dropped by the converter: rebuilt at load time")
    }
    if heads > 0 {
      out.append(
        "\(heads) pooler / pre-training head tensor(s) in \(path) (\(Units.grouped(headParameters)) parameters) are dropped by the converter: llama.cpp runs BERT as an embedding model")
    }
    if towers > 0 {
      out.append(
        "vision tower (\(towers) tensors, \(Units.grouped(towerParameters)) parameters) in \(path) goes to llama.cpp's mmproj file (convert_hf_to_gguf.py --mmproj), not the text GGUF")
    }
    if textModel > 0 {
      out.append(
        "the text model (\(textModel) tensors, \(Units.grouped(textModelParameters)) parameters) in \(path) is in the text GGUF, not the mmproj file")
    }
    if visionHeads > 0 {
      out.append(
        "SigLIP pooling head (\(visionHeads) tensors, \(Units.grouped(visionHeadParameters)) parameters) in \(path) is dropped by the converter: Gemma 3 does not run it")
    }
    return out
  }
}
