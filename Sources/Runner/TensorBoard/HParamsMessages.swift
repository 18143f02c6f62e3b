import Foundation

/// A hyper-parameter's value in TensorBoard's hparams plugin (`google.protobuf.Value`, struct.proto:
/// `number_value = 2`, `string_value = 3`, `bool_value = 4`).
enum HParamValue: Equatable, Sendable {
    case number(Double)
    case string(String)
    case bool(Bool)

    /// `HParamInfo.type` (api.proto `DataType`): STRING = 1, BOOL = 2, FLOAT64 = 3.
    var dataType: UInt64 {
        switch self {
        case .string: return 1
        case .bool: return 2
        case .number: return 3
        }
    }

    func encode(into w: inout ProtobufWriter) {
        switch self {
        case .number(let d): w.double(2, d)
        case .string(let s): w.string(3, s)
        case .bool(let b): w.bool(4, b)
        }
    }
}

/// The hparams plugin's summaries (plugin name `hparams`), content `HParamsPluginData` transcribed from
/// tensorboard/plugins/hparams/plugin_data.proto and api.proto (only the fields used):
/// - `HParamsPluginData`: `version = 1` (0), `experiment = 2`, `session_start_info = 3`, `session_end_info = 4`.
/// - `Experiment`: `hparam_infos = 4`, `metric_infos = 5`. `HParamInfo`: `name = 1`, `type = 4`,
///   `domain_discrete = 5` (ListValue: `values = 1`). `MetricInfo`: `name = 1` (MetricName: `group = 1`,
///   `tag = 2`), `dataset_type = 5` (TRAINING = 1, VALIDATION = 2).
/// - `SessionStartInfo`: `hparams = 1` (map<string, Value>: entries `key = 1`, `value = 2`), `group_name = 4`,
///   `start_time_secs = 5`. `SessionEndInfo`: `status = 1` (SUCCESS = 1, FAILURE = 2), `end_time_secs = 2`.
enum HParamsMessages {
    static let plugin = "hparams"
    static let experimentTag = "_hparams_/experiment"
    static let sessionStartTag = "_hparams_/session_start_info"
    static let sessionEndTag = "_hparams_/session_end_info"

    /// One hyper-parameter of the experiment, with the values it takes across the ablation's runs.
    struct HParamInfo: Equatable {
        var name: String
        var values: [HParamValue]
    }

    /// A metric the HParams tab shows per session: a scalar tag in the session's own run.
    struct MetricInfo: Equatable {
        var tag: String
        /// Whether the metric is measured on data the run trained on (`train/…`) or held out.
        var training: Bool
    }

    /// Session outcome (`Status`).
    enum Status: UInt64 {
        case success = 1, failure = 2
    }

    static func experiment(hparams: [HParamInfo], metrics: [MetricInfo]) -> Data {
        pluginData(field: 2) { e in
            for h in hparams {
                e.message(4) { i in
                    i.string(1, h.name)
                    i.varint(4, h.values.first?.dataType ?? 1)
                    i.message(5) { list in
                        for v in h.values { list.message(1) { v.encode(into: &$0) } }
                    }
                }
            }
            for m in metrics {
                e.message(5) { i in
                    i.message(1) { n in n.string(2, m.tag) }
                    i.varint(5, m.training ? 1 : 2)
                }
            }
        }
    }

    static func sessionStart(hparams: [(name: String, value: HParamValue)], group: String, startTime: Double) -> Data {
        pluginData(field: 3) { s in
            for (name, value) in hparams {
                s.message(1) { entry in
                    entry.string(1, name)
                    entry.message(2) { value.encode(into: &$0) }
                }
            }
            s.string(4, group)
            s.double(5, startTime)
        }
    }

    static func sessionEnd(_ status: Status, endTime: Double) -> Data {
        pluginData(field: 4) { s in
            s.varint(1, status.rawValue)
            s.double(2, endTime)
        }
    }

    private static func pluginData(field: Int, _ body: (inout ProtobufWriter) -> Void) -> Data {
        var w = ProtobufWriter()
        w.varint(1, 0)     // version
        w.message(field, body)
        return w.data
    }
}
