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

  /// Takes problems collected by a nested reader, naming their file.
  mutating func append(contentsOf other: [CheckpointError], file: String) {
    list += other.map { $0.inFile(file) }
  }
}
