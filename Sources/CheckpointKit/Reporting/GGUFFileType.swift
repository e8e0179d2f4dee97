/// `general.file_type`: llama.cpp's `llama_ftype`, the quantization recipe a GGUF was made
/// with (`MOSTLY_Q4_K_M`: most 2-D weights Q4_K, some Q6_K). Values from llama.h and gguf-py
/// `LlamaFileType`; retired ones (4-6, 33-35) keep their old names so old files still say
/// what they are. Data, not a switch, like the ggml type table.
public enum GGUFFileType {
  static let names: [UInt64: String] = [
    0: "ALL_F32", 1: "MOSTLY_F16", 2: "MOSTLY_Q4_0", 3: "MOSTLY_Q4_1",
    4: "MOSTLY_Q4_1_SOME_F16", 5: "MOSTLY_Q4_2", 6: "MOSTLY_Q4_3",
    7: "MOSTLY_Q8_0", 8: "MOSTLY_Q5_0", 9: "MOSTLY_Q5_1",
    10: "MOSTLY_Q2_K", 11: "MOSTLY_Q3_K_S", 12: "MOSTLY_Q3_K_M", 13: "MOSTLY_Q3_K_L",
    14: "MOSTLY_Q4_K_S", 15: "MOSTLY_Q4_K_M", 16: "MOSTLY_Q5_K_S", 17: "MOSTLY_Q5_K_M", 18: "MOSTLY_Q6_K",
    19: "MOSTLY_IQ2_XXS", 20: "MOSTLY_IQ2_XS", 21: "MOSTLY_Q2_K_S", 22: "MOSTLY_IQ3_XS", 23: "MOSTLY_IQ3_XXS",
    24: "MOSTLY_IQ1_S", 25: "MOSTLY_IQ4_NL", 26: "MOSTLY_IQ3_S", 27: "MOSTLY_IQ3_M", 28: "MOSTLY_IQ2_S",
    29: "MOSTLY_IQ2_M", 30: "MOSTLY_IQ4_XS", 31: "MOSTLY_IQ1_M", 32: "MOSTLY_BF16",
    33: "MOSTLY_Q4_0_4_4", 34: "MOSTLY_Q4_0_4_8", 35: "MOSTLY_Q4_0_8_8",
    36: "MOSTLY_TQ1_0", 37: "MOSTLY_TQ2_0", 38: "MOSTLY_MXFP4_MOE", 39: "MOSTLY_NVFP4", 40: "MOSTLY_Q1_0",
    1024: "GUESSED",
  ]

  /// `MOSTLY_Q4_K_M`, or nil for a value this table does not know.
  public static func name(_ value: UInt64) -> String? { names[value] }

  /// The summary's line: `MOSTLY_Q4_K_M (general.file_type 15)`, or for a value newer than
  /// this table `99 (general.file_type, not a llama.cpp file type this version knows)`.
  public static func describe(_ value: MetadataValue) -> String? {
    guard let raw = value.integer, raw >= 0 else { return nil }
    let n = UInt64(raw)
    if let name = names[n] { return "\(name) (general.file_type \(n))" }
    return "\(n) (general.file_type, not a llama.cpp file type this version knows)"
  }
}
