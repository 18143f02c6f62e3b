import Declarations
import Foundation

/// The checkpoint files a spec's slots start from (`"init": "path.safetensors"`): checked when the spec is
/// loaded (the file exists and is a safetensors file) and hashed into their choices, so the weights a run
/// starts from are part of its key. Whether the file's names and shapes fit the slot is checked when the
/// model is built (`SlotCheckpoint`), where the model is known.
enum InitFiles {
    /// `spec` with `initHash` set on every choice that names an `init` file, and the problems found (none
    /// when every file is usable). Relative paths are taken against `workingDirectory`, as `dataset.path` is.
    static func hashed(_ spec: AblationSpec, workingDirectory: String) -> (spec: AblationSpec, issues: [SpecIssue]) {
        var hashes: [String: String] = [:]
        var failed = Set<String>()
        var issues: [SpecIssue] = []
        func hash(_ model: inout ModelConfig, at path: (ComponentSlot) -> String) {
            for (slot, choice) in model.choices {
                guard let file = choice.initFile, !failed.contains(file) else { continue }
                if hashes[file] == nil {
                    switch digest(file, workingDirectory: workingDirectory) {
                    case .success(let h): hashes[file] = h
                    case .failure(let problem):
                        // Each file is reported once, where it is first named.
                        issues.append(SpecIssue(path: path(slot), problem))
                        failed.insert(file)
                        continue
                    }
                }
                model.choices[slot]?.initHash = hashes[file]
            }
        }
        var out = spec
        hash(&out.baseModel) { "model.\($0.rawValue).init" }
        for i in out.cells.indices {
            let name = out.cells[i].name
            hash(&out.cells[i].model) { "variants (\(name)): model.\($0.rawValue).init" }
        }
        return (out, issues)
    }

    /// SHA-256 hex of the file's bytes, after checking that it is a safetensors file.
    static func digest(_ file: String, workingDirectory: String) -> Result<String, SpecProblem> {
        let path = file.hasPrefix("/") ? file : workingDirectory + "/" + file
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            return .failure(.fileNotFound(path: file, suggestion: nil))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(.unreadable(path: file, reason: "permission denied or an I/O error"))
        }
        let bytes = [UInt8](data)
        if let problem = safetensorsProblem(bytes) {
            return .failure(.wrongType(expected: "a safetensors checkpoint (as `ablate` writes under Results/<spec>/runs/<run key>/)",
                                       found: problem, value: file))
        }
        return .success(SHA256.hex(bytes))
    }

    /// Why `bytes` are not a safetensors file (an 8-byte little-endian header length, then a JSON object
    /// of that length), or nil.
    static func safetensorsProblem(_ bytes: [UInt8]) -> String? {
        guard bytes.count >= 8 else { return "a file of \(bytes.count) bytes" }
        let length = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(bytes.count - 8) else { return "a file whose first 8 bytes are not a safetensors header length" }
        guard let header = String(bytes: bytes[8..<(8 + Int(length))], encoding: .utf8),
              let json = try? JSONParser.parse(header.trimmingCharacters(in: .whitespaces)), json.objectPairs != nil else {
            return "a file without a safetensors JSON header"
        }
        return nil
    }
}
