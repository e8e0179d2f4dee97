/// Types for which every bit pattern is a valid value, so file bytes may be viewed as them
/// directly (`Bool` is not: a byte of 2 is no Bool). Only these get typed views of a `ChunkBuffer`.
public protocol FullyInhabited: BitwiseCopyable {}

extension UInt8: FullyInhabited {}
extension Int8: FullyInhabited {}
extension UInt16: FullyInhabited {}
extension Int16: FullyInhabited {}
extension UInt32: FullyInhabited {}
extension Int32: FullyInhabited {}
extension UInt64: FullyInhabited {}
extension Int64: FullyInhabited {}
extension Float: FullyInhabited {}
extension Double: FullyInhabited {}
