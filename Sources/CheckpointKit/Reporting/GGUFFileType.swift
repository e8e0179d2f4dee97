/// `general.file_type`: llama.cpp's `llama_ftype`, the quantization recipe a GGUF was made
/// with (`MOSTLY_Q4_K_M`: most 2-D weights Q4_K, some Q6_K). Values from llama.h and gguf-py
/// `LlamaFileType`; retired ones (4-6, 33-35) keep their old names so old files still say
/// what they are. Data, not a switch, like the ggml type table.
public enum GGUFFileType {
  /// Indexed by value: an array, not a dictionary, since building a 42-entry dictionary (hashing
  /// every key) cost a quarter of a million instructions at each start, more than reading the
  /// tensor infos of a small GGUF.
  static let table: [String] = [
    "ALL_F32", "MOSTLY_F16", "MOSTLY_Q4_0", "MOSTLY_Q4_1",
    "MOSTLY_Q4_1_SOME_F16", "MOSTLY_Q4_2", "MOSTLY_Q4_3",
    "MOSTLY_Q8_0", "MOSTLY_Q5_0", "MOSTLY_Q5_1",
    "MOSTLY_Q2_K", "MOSTLY_Q3_K_S", "MOSTLY_Q3_K_M", "MOSTLY_Q3_K_L",
    "MOSTLY_Q4_K_S", "MOSTLY_Q4_K_M", "MOSTLY_Q5_K_S", "MOSTLY_Q5_K_M", "MOSTLY_Q6_K",
    "MOSTLY_IQ2_XXS", "MOSTLY_IQ2_XS", "MOSTLY_Q2_K_S", "MOSTLY_IQ3_XS", "MOSTLY_IQ3_XXS",
    "MOSTLY_IQ1_S", "MOSTLY_IQ4_NL", "MOSTLY_IQ3_S", "MOSTLY_IQ3_M", "MOSTLY_IQ2_S",
    "MOSTLY_IQ2_M", "MOSTLY_IQ4_XS", "MOSTLY_IQ1_M", "MOSTLY_BF16",
    "MOSTLY_Q4_0_4_4", "MOSTLY_Q4_0_4_8", "MOSTLY_Q4_0_8_8",
    "MOSTLY_TQ1_0", "MOSTLY_TQ2_0", "MOSTLY_MXFP4_MOE", "MOSTLY_NVFP4", "MOSTLY_Q1_0",
  ]

  static func lookup(_ value: UInt64) -> String? {
    if value == 1024 { return "GUESSED" }
    return value < UInt64(table.count) ? table[Int(value)] : nil
  }

  /// `MOSTLY_Q4_K_M`, or nil for a value this table does not know.
  public static func name(_ value: UInt64) -> String? { lookup(value) }

  /// The summary's line: `MOSTLY_Q4_K_M (general.file_type 15)`, or for a value newer than
  /// this table `99 (general.file_type, not a llama.cpp file type this version knows)`.
  public static func describe(_ value: MetadataValue) -> String? {
    guard let raw = value.integer, raw >= 0 else { return nil }
    let n = UInt64(raw)
    if let name = lookup(n) { return "\(name) (general.file_type \(n))" }
    return "\(n) (general.file_type, not a llama.cpp file type this version knows)"
  }
}
