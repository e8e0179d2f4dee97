/// Where readers send faults that do not stop them from reading on (a hole between tensors, a
/// misaligned offset, a shard that is missing). Normally the first one is thrown; `validate`
/// collects them all, so a report lists every problem and not just the first.
public struct Problems: Sendable {
  /// Collect instead of throwing.
  public let collect: Bool
  public private(set) var list: [CheckpointError] = []

  public init(collect: Bool = false) {
    self.collect = collect
  }

  /// Throws `error`, or records it when collecting so the caller can read on.
  mutating func report(_ error: CheckpointError) throws(CheckpointError) {
    guard collect else { throw error }
    list.append(error)
  }

  /// Faults that make a file invalid for `validate` but leave everything readable (data laid
  /// out where ggml would not load it, a type of unknown size): warnings for other commands.
  public private(set) var notes: [CheckpointError] = []

  mutating func note(_ error: CheckpointError) {
    if collect { list.append(error) } else { notes.append(error) }
  }

  /// A fault that only `validate` reports (the other commands already warn about it).
  mutating func reportWhenValidating(_ error: CheckpointError) {
    if collect { list.append(error) }
  }

  /// The notes as warning lines for `name`.
  func noteWarnings(_ name: String) -> [String] {
    notes.map { "\(name): \($0.field.isEmpty ? "" : $0.field + ": ")\($0.fault.description)" }
  }

  /// Tensor data that runs past the end of the file, noted instead of thrown when not
  /// validating: a partial download still has its whole header to report.
  public private(set) var shortData: (fileSize: UInt64, dataEnd: UInt64, tensors: Int)?

  /// Reports tensor data ending at `end`, past a file of `fileSize` bytes: a problem when
  /// validating, a note for a warning otherwise.
  /// `perTensor`: the error names one tensor (GGUF), so the reports count tensors.
  mutating func reportShortData(_ error: CheckpointError, fileSize: UInt64, end: UInt64, perTensor: Bool = true) {
    if collect {
      list.append(error)
      return
    }
    shortData = (fileSize, max(shortData?.dataEnd ?? 0, end), (shortData?.tensors ?? 0) + (perTensor ? 1 : 0))
  }

  /// The warning for data past the end, when there was any.
  func shortDataWarning(_ name: String) -> String? {
    guard let short = shortData else { return nil }
    let missing = short.dataEnd == .max ? nil : short.dataEnd - short.fileSize
    let amount = missing.map { "\($0) bytes of tensor data are missing" } ?? "tensor data is missing"
    let tensors = short.tensors == 0 ? "" : short.tensors == 1 ? ", 1 tensor partly or wholly past the end" : ", \(short.tensors) tensors partly or wholly past the end"
    return "\(name): the file ends at byte \(short.fileSize) but its tensor data runs to byte \(short.dataEnd == .max ? "past 2^64" : String(short.dataEnd)): "
      + "\(amount)\(tensors) (a partial download?); everything the header says is reported, `validate` lists what is missing"
  }

  /// Takes problems collected by a nested reader, naming their file.
  mutating func append(contentsOf other: [CheckpointError], file: String) {
    list += other.map { $0.inFile(file) }
  }
}
