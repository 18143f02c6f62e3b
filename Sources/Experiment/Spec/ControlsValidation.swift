import Declarations
import RRSISData
import RRSISModels

extension SpecValidator {
    /// The table name of a control row: `Control: text-blind` (marks it as a control in tables and plots).
    static func controlName(_ control: ExpressionControl) -> String { "Control: \(control.rawValue)" }

    /// `"controls": ["text-blind", "shuffled-text", "position-blind"]` — optional; each adds a row that trains
    /// the baseline's model on rewritten expressions (`ExpressionControl`). Returns them in the listed order,
    /// with their offsets; problems go to `issues` with the JSON path (`controls[1]`).
    func validateControls(_ json: JSONValue?, _ issues: inout [SpecIssue]) -> EnumeratedSequence<[ExpressionControl]> {
        guard let json, json != .null else { return [ExpressionControl]().enumerated() }
        let allowed = ExpressionControl.allCases.map(\.rawValue)
        guard case .array(let items) = json else {
            issues.append(SpecIssue(path: "controls", .wrongType(expected: "a list of control names (\(allowed.joined(separator: ", ")))",
                                                                 found: json.typeDescription, value: json.jsonText)))
            return [ExpressionControl]().enumerated()
        }
        var out: [ExpressionControl] = []
        for (i, item) in items.enumerated() {
            guard case .string(let name) = item else {
                issues.append(SpecIssue(path: "controls[\(i)]", .wrongType(expected: "a control name (\(allowed.joined(separator: ", ")))",
                                                                          found: item.typeDescription, value: item.jsonText)))
                continue
            }
            guard let control = ExpressionControl(rawValue: name) else {
                issues.append(SpecIssue(path: "controls[\(i)]", .unknownChoice(value: name, allowed: allowed,
                                                                              suggestion: Suggestion.closest(to: name, in: allowed))))
                continue
            }
            if out.contains(control) {
                issues.append(SpecIssue(path: "controls[\(i)]", .duplicate(what: "control", value: name)))
                continue
            }
            out.append(control)
        }
        return out.enumerated()
    }
}
