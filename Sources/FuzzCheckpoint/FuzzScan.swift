import CheckpointKit

/// The scan's decoders on the input as tensor data of every type (see ScanFuzzing).
func fuzzScan(_ bytes: [UInt8]) {
  ScanFuzzing.decodeAll(bytes)
}
