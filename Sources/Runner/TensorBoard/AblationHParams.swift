import Declarations
import Experiment

/// The hyper-parameters TensorBoard's HParams tab compares for a plan: `variant` (the cell's name), `seed`,
/// and every flattened config key (`model.alignment.name`, `model.alignment.params.spatial`, …) whose value
/// differs between the plan's runs. Keys every run shares are left out: they distinguish nothing.
struct AblationHParams {
    let plan: Plan

    /// The hparams of one run, in the experiment's order.
    func values(of run: PlannedRun) -> [(name: String, value: HParamValue)] {
        let config = Self.flattened(run.config)
        return [("variant", .string(run.cell.name)), ("seed", .number(Double(run.seed)))]
            + varyingKeys.compactMap { key in config[key].map { (key, Self.hparam($0)) } }
    }

    /// The experiment's hparams with the distinct values each takes, in first-seen order.
    var infos: [HParamsMessages.HParamInfo] {
        var infos: [HParamsMessages.HParamInfo] = []
        for run in plan.runs {
            for (i, (name, value)) in values(of: run).enumerated() {
                if i == infos.count { infos.append(.init(name: name, values: [])) }
                if !infos[i].values.contains(value) { infos[i].values.append(value) }
            }
        }
        return infos
    }

    /// Config keys whose canonical value is not the same in every run, sorted.
    var varyingKeys: [String] {
        let configs = plan.runs.map { Self.flattened($0.config) }
        let keys = Set(configs.flatMap(\.keys))
        return keys.filter { key in Set(configs.map { $0[key].map { CanonicalJSON.render($0) } ?? "" }).count > 1 }.sorted()
    }

    /// Canonical config JSON → dotted key → leaf value (objects flattened, arrays kept whole).
    static func flattened(_ config: String) -> [String: JSONValue] {
        guard let json = try? JSONParser.parse(config) else { return [:] }
        return Dictionary(json.leaves().map { ($0.path, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// Booleans, numbers and strings as themselves; anything else (arrays, null) as its canonical JSON text.
    static func hparam(_ value: JSONValue) -> HParamValue {
        switch value {
        case .bool(let b): return .bool(b)
        case .int(let i): return .number(Double(i))
        case .double(let d): return .number(d)
        case .string(let s): return .string(s)
        default: return .string(CanonicalJSON.render(value))
        }
    }
}
