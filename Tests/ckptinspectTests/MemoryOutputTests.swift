import Foundation
import Testing

/// `ckptinspect memory` as a user sees it: warnings on standard error, JSON nulls for sizes past
/// 2^64 bytes, the context headline capped at the trained length.
@Suite struct MemoryOutputTests {
  static let smolLM2 =
    (ProcessInfo.processInfo.environment["CKPT_REALDATA"] ?? NSHomeDirectory() + "/.cache/ckptinspect/realdata")
    + "/smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

  @Test func contextPastTheTrainedLengthWarns() throws {
    let r = try CLI.run(["memory", Self.smolLM2, "--context", "16384"])
    #expect(r.status == 0)
    #expect(r.stderr.contains("warning: --context 16,384 is beyond the trained context (8,192 tokens)"))
    #expect(try CLI.run(["memory", Self.smolLM2, "--context", "8192"]).stderr.isEmpty)
  }

  @Test func overflowIsNullInJSONWithAWarning() throws {
    let r = try CLI.run(["memory", "--json", Self.smolLM2, "--context", "1000000000000", "--parallel", "100000000", "--gpu", "h100"])
    #expect(r.status == 0)
    #expect(!r.stdout.contains("18446744073709551615"))
    let memory = (CLI.json(r.stdout) as? [String: Any])?["memory"] as? [String: Any]
    let kv = memory?["kv_cache"] as? [String: Any]
    #expect(kv?["bytes"] is NSNull)
    #expect((memory?["serving"] as? [String: Any])?["total"] is NSNull)
    let warnings = memory?["warnings"] as? [String] ?? []
    #expect(warnings.contains { $0.contains("the KV cache") && $0.contains("2^64") })
    // Text: the word, and the warning on standard error.
    let text = try CLI.run(["memory", Self.smolLM2, "--context", "1000000000000", "--parallel", "100000000"])
    #expect(text.stdout.contains("overflow (f16)"))
    #expect(text.stderr.contains("warning: the KV cache"))
  }

  @Test func linesFitEightyColumns() throws {
    let r = try CLI.run(["memory", Self.smolLM2, "--gpu", "rtx4090,1GiB,t4", "--context", "16384", "--explain"])
    #expect(r.status == 0)
    for line in r.stdout.split(separator: "\n") where !line.hasPrefix("/") {
      #expect(line.count <= 80, "\(line)")
    }
  }

  @Test func gpuContextIsCappedInJSON() throws {
    let r = try CLI.run(["memory", "--json", Self.smolLM2, "--gpu", "rtx4090,1GiB"])
    let gpus = ((CLI.json(r.stdout) as? [String: Any])?["memory"] as? [String: Any])?["gpus"] as? [[String: Any]]
    // Memory holds 1,016,644 tokens at 23,040 bytes each; the model was trained on 8,192.
    #expect(gpus?.first?["max_context"] as? Int == 8192)
    #expect(gpus?.first?["max_context_memory"] as? Int == 1_016_644)
    #expect(gpus?.last?["fits"] as? Bool == false)
    #expect(gpus?.last?["max_context"] as? Int == 0)
  }

  /// The llama.cpp figures and the offload plan in JSON, for SmolLM2 at its trained 8,192 tokens.
  @Test func llamaCppInJSON() throws {
    let r = try CLI.run(["memory", "--json", Self.smolLM2, "--gpu", "rtx4090,rtx4090+t4", "--tensor-split", "3,1"])
    #expect(r.status == 0)
    let memory = (CLI.json(r.stdout) as? [String: Any])?["memory"] as? [String: Any]
    let llama = try #require(memory?["llama_cpp"] as? [String: Any])
    #expect(llama["context"] as? Int == 8192)
    #expect(llama["flash_attention"] as? Bool == true)
    // The file's tensor data; 30 layers x 8,192 cells x 2 x 192 x 2 bytes; 49,152 logits x 4 bytes.
    #expect(llama["model_bytes"] as? Int == 96_576_768)
    #expect(llama["kv_bytes"] as? Int == 30 * 8192 * 768)
    #expect(llama["output_bytes"] as? Int == 49152 * 4)
    // The logits of 512 tokens with the normed and residual states and the token ids.
    #expect(llama["compute_bytes"] as? Int == 512 * 4 * (49152 + 2 * 576 + 1))
    let plans = try #require(llama["offload"] as? [[String: Any]])
    #expect(plans.map { $0["flags"] as? String } == ["-ngl 31", "-ngl 31 --tensor-split 3,1"])
    #expect((plans[1]["devices"] as? [[String: Any]])?.count == 2)
  }

  @Test func llamaCppOptionsAreChecked() throws {
    #expect(try CLI.run(["memory", Self.smolLM2, "--flash-attention", "maybe"]).status == 64)
    #expect(try CLI.run(["memory", Self.smolLM2, "--cache-type-k", "q5"]).status == 64)
    #expect(try CLI.run(["memory", Self.smolLM2, "--ubatch", "0"]).status == 64)
    // --tensor-split shares the layers of one machine's GPUs (a+b), one share each.
    #expect(try CLI.run(["memory", Self.smolLM2, "--gpu", "rtx4090", "--tensor-split", "1,1"]).status == 64)
    #expect(try CLI.run(["memory", Self.smolLM2, "--gpu", "rtx4090+t4", "--tensor-split", "1,1,1"]).status == 64)
    // A quantized V without flash attention: llama.cpp refuses it, the warning says so.
    let v = try CLI.run(["memory", Self.smolLM2, "--cache-type-v", "q8_0", "--flash-attention", "off"])
    #expect(v.status == 0)
    #expect(v.stderr.contains("llama.cpp refuses a quantized V cache (q8_0) without flash attention"))
  }
}
