import Foundation

/// Encoders of the TensorBoard messages FIABench writes, field numbers transcribed from their .proto files
/// (only the fields used):
/// - `Event` (tensorflow/core/util/event.proto): `wall_time = 1` (double), `step = 2` (int64),
///   `file_version = 3` (string), `summary = 5` (Summary).
/// - `Summary` (tensorflow/core/framework/summary.proto): `value = 1` (repeated Value); `Value`: `tag = 1`,
///   `simple_value = 2` (float), `tensor = 8` (TensorProto), `metadata = 9` (SummaryMetadata);
///   `SummaryMetadata.plugin_data = 1`; `PluginData`: `plugin_name = 1`, `content = 2` (bytes).
/// - `TensorProto` (tensorflow/core/framework/tensor.proto): `dtype = 1` (enum, `DT_FLOAT = 1`),
///   `tensor_shape = 2` (TensorShapeProto: `dim = 2`, each Dim's `size = 1` left at 0).
enum EventMessages {
    /// The first record of every event file: `file_version: "brain.Event:2"`.
    static func fileVersion(wallTime: Double) -> Data {
        var w = ProtobufWriter()
        w.double(1, wallTime)
        w.string(3, "brain.Event:2")
        return w.data
    }

    /// A scalar point: `Summary.Value.simple_value` at `step`.
    static func scalar(tag: String, value: Float, step: Int, wallTime: Double) -> Data {
        event(step: step, wallTime: wallTime) { v in
            v.string(1, tag)
            v.float(2, value)
        }
    }

    /// A plugin's summary: metadata naming the plugin with its serialized `content`, and the empty float tensor
    /// TensorBoard's own hparams writer attaches (`metadata.NULL_TENSOR`: its data loader keeps values with tensors).
    static func pluginSummary(tag: String, plugin: String, content: Data, step: Int = 0, wallTime: Double) -> Data {
        event(step: step, wallTime: wallTime) { v in
            v.string(1, tag)
            v.message(8) { t in
                t.varint(1, 1)                          // DT_FLOAT
                t.message(2) { $0.message(2) { _ in } }  // shape [0]: one dimension of size 0, no values
            }
            v.message(9) { m in
                m.message(1) { p in
                    p.string(1, plugin)
                    p.bytes(2, Array(content))
                }
            }
        }
    }

    /// An `Event` at `step` carrying a `Summary` with one value built by `value`.
    private static func event(step: Int, wallTime: Double, value: (inout ProtobufWriter) -> Void) -> Data {
        var w = ProtobufWriter()
        w.double(1, wallTime)
        w.int64(2, Int64(step))
        w.message(5) { s in s.message(1, value) }
        return w.data
    }
}
