import Declarations
import Foundation
import RRSISModels

/// Loads a spec file: resolves its path, follows `extends`, applies `--set` overrides and validates the
/// result, reporting every problem at once as a `SpecError` before anything trains.
///
/// `extends` names another spec relative to the extending file; a relative `extends` must stay inside the
/// folder of the spec being loaded, and a relative `dataset.path` inside the working directory, with
/// `..` folded and symlinks followed (`PathRule`; absolute paths are taken as written, and the relative
/// `extends` of a spec named by an absolute path stay inside that spec's folder). Objects merge key by key, other values
/// replace, `null` removes an inherited key (`"variants": {"rows": null, "grid": {…}}`). A spec's `name`
/// is never inherited: it is the file's own `name` key or its file stem. A model slot that names a
/// different component than the extended spec replaces its choice (parameters included) rather than
/// merging into it; a slot may be written as a bare name (`"scale": "tmem"`).
public struct SpecLoader {
    public var registry: Registry
    /// Directory that relative spec paths are resolved against.
    public var workingDirectory: String

    public init(registry: Registry = .standard, workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.registry = registry; self.workingDirectory = workingDirectory
    }

    /// Loads and validates the spec at `path` (resolved case-insensitively) with `overrides` applied.
    /// - Throws: `SpecError` listing every problem.
    public func load(_ path: String, overrides: [String] = []) throws -> AblationSpec {
        let file: String
        do {
            file = try PathResolver.resolve(path, relativeTo: workingDirectory)
        } catch let failure as PathResolver.Failure {
            var suggestion: String? = nil
            if case let .notFound(_, _, _, s) = failure { suggestion = s }
            throw SpecError(file: path, issues: [SpecIssue(path: "", .fileNotFound(path: path, suggestion: suggestion), origin: nil)])
        }
        let root = directory(of: absolute(file))
        var origins: [String: String] = [:]
        var document = try loadDocument(file, chain: [], root: root, origins: &origins)

        var overrideIssues: [SpecIssue] = []
        for text in overrides {
            do {
                let o = try Override(parsing: text)
                let origin = "set on the command line: --set \(SpecIssue.shortened(text))"
                if o.isMultirun {
                    document = try Self.sweep(o, in: document)
                    origins["variants.sweep." + o.dottedPath] = origin
                    continue
                }
                document = try o.apply(to: document)
                origins = origins.filter { !($0.key == o.dottedPath || $0.key.hasPrefix(o.dottedPath + ".")) }
                for leaf in o.value.leaves(prefix: o.dottedPath) { origins[leaf.path] = origin }
            } catch let issue as SpecIssue {
                overrideIssues.append(issue)
            }
        }
        if !overrideIssues.isEmpty { throw SpecError(file: file, issues: overrideIssues) }

        var name = (try? ownNameKey(of: file)) ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
        if overrides.contains(where: { $0.hasPrefix("name=") }), case .string(let n)? = document["name"] { name = n }
        document = document.setting("name", to: .string(name))

        switch SpecValidator(registry: registry).validate(document, name: name, file: file) {
        case .success(let validated):
            let (spec, initIssues) = InitFiles.hashed(validated, workingDirectory: workingDirectory)
            if !initIssues.isEmpty { throw SpecError(file: file, issues: initIssues) }
            if let issue = datasetPathIssue(spec) {
                throw SpecError(file: file, issues: [Self.origin(of: issue.path, in: origins).map { o in
                    var located = issue
                    if o != file { located.origin = o.hasPrefix("set on") ? o : "inherited from \(o)" }
                    return located
                } ?? issue])
            }
            return spec
        case .failure(let error):
            throw SpecError(file: file, issues: error.issues.map { issue in
                var located = issue
                if let origin = Self.origin(of: issue.path, in: origins), origin != file {
                    located.origin = origin.hasPrefix("set on") ? origin : "inherited from \(origin)"
                }
                return located
            })
        }
    }

    /// `document` with a multirun override (`--set train.lr=3e-4,1e-3`) added to `variants.sweep`, so every
    /// variant is crossed with its values.
    /// - Throws: when the key is not one a variant may vary (naming the JSON-list form for list values).
    static func sweep(_ o: Override, in document: JSONValue) throws -> JSONValue {
        let root = o.path[0]
        guard ["model", "train", "dataset"].contains(root) || ComponentSlot(rawValue: root) != nil else {
            throw SpecIssue(path: o.dottedPath, .invalidOverride(text: o.text, reason:
                "a comma-separated value sweeps a model.*, train.* or dataset.* key; to give \(o.dottedPath) one list, write it as JSON: "
                + "\(o.dottedPath)=[\(Override.topLevelItems(String(o.text.drop { $0 != "=" }.dropFirst())).joined(separator: ","))]"))
        }
        let variants = document["variants"] ?? .object([])
        guard variants.objectPairs != nil else { return document }   // validation reports the broken section
        let sweep = variants["sweep"].flatMap { $0.objectPairs == nil ? nil : $0 } ?? .object([])
        return document.setting("variants", to: variants.setting("sweep", to: sweep.setting(o.dottedPath, to: .array(o.values))))
    }

    /// Reads, parses and merges `file` with the chain of specs it extends; records the file each leaf came from.
    private func loadDocument(_ file: String, chain: [String], root: String, origins: inout [String: String]) throws -> JSONValue {
        let text: String
        do {
            text = try SpecFile.read(file, at: absolute(file))
        } catch let issue as SpecIssue {
            throw SpecError(file: file, issues: [issue])
        }
        var document: JSONValue
        do {
            document = SpecDocument.normaliseChoices(try JSONParser.parse(text))
        } catch let e as JSONParser.SyntaxError {
            throw SpecError(file: file, issues: [SpecIssue(path: "", .syntax(line: e.line, column: e.column, message: e.message))])
        }
        guard let extends = document["extends"] else {
            for leaf in document.leaves() { origins[leaf.path] = file }
            return document
        }
        guard case .string(let relative) = extends else {
            throw SpecError(file: file, issues: [SpecIssue(path: "extends", .wrongType(expected: "a path to another spec, relative to this file",
                                                                                      found: extends.typeDescription, value: extends.jsonText))])
        }
        let dir = directory(of: file)
        let joined = relative.hasPrefix("/") ? relative : (dir.isEmpty ? relative : dir + "/" + relative)
        guard PathRule.staysInside(relative, from: directory(of: absolute(file)), root: root),
              let target = PathResolver.normalise(absolute(joined)) else {
            throw SpecError(file: file, issues: [SpecIssue(path: "extends", .pathEscapes(path: relative, root: display(root)))])
        }
        let base: String
        do {
            base = try PathResolver.resolve(PathResolver.normalise(joined) ?? target, relativeTo: workingDirectory)
        } catch {
            let suggestion: String? = { if case let .notFound(_, _, _, s)? = error as? PathResolver.Failure { return s }; return nil }()
            throw SpecError(file: file, issues: [SpecIssue(path: "extends", .fileNotFound(path: relative, suggestion: suggestion))])
        }
        let chainHere = chain + [file]
        if chainHere.contains(where: { absolute($0) == absolute(base) }) {
            throw SpecError(file: file, issues: [SpecIssue(path: "extends", .extendsCycle(chain: chainHere + [base]))])
        }
        // A spec named by an absolute path is the author's explicit choice: its own relative `extends` stay inside its folder.
        let parentRoot = relative.hasPrefix("/") ? directory(of: absolute(base)) : root
        let parent = try loadDocument(base, chain: chainHere, root: parentRoot, origins: &origins)
        let own = document.removing("extends")
        for leaf in own.leaves() where !leaf.path.isEmpty {
            origins = origins.filter { !$0.key.hasPrefix(leaf.path + ".") }
            origins[leaf.path] = file
        }
        document = SpecDocument.merge(parent.removing("name"), with: own)
        return document
    }

    /// `dataset.path` breaking `PathRule` (relative, and leading outside the working directory).
    private func datasetPathIssue(_ spec: AblationSpec) -> SpecIssue? {
        guard spec.dataset.params.values["path"] != nil, let path = try? spec.dataset.params.string("path") else { return nil }
        let cwd = PathResolver.normalise(workingDirectory) ?? workingDirectory
        return PathRule.staysInside(path, from: cwd, root: cwd) ? nil
            : SpecIssue(path: "dataset.path", .pathEscapes(path: path, root: "the working directory"))
    }

    /// The `name` key of `file` itself (not inherited), if it has one.
    private func ownNameKey(of file: String) throws -> String? {
        let text = try SpecFile.read(file, at: absolute(file))
        if case .string(let n)? = try JSONParser.parse(text)["name"] { return n }
        return nil
    }

    /// The file a value at `path` came from: the leaf at `path` or above it, else the single file every
    /// leaf below it came from.
    static func origin(of path: String, in origins: [String: String]) -> String? {
        let dotted = path.replacingOccurrences(of: #"\[\d+\]"#, with: "", options: .regularExpression)
        var prefix = dotted
        while !prefix.isEmpty {
            if let o = origins[prefix] { return o }
            guard let dot = prefix.lastIndex(of: ".") else { break }
            prefix = String(prefix[..<dot])
        }
        let below = Set(origins.filter { $0.key.hasPrefix(dotted + ".") }.values)
        return below.count == 1 ? below.first : nil
    }

    private func absolute(_ path: String) -> String {
        let p = path.hasPrefix("/") ? path : workingDirectory + "/" + path
        return PathResolver.normalise(p) ?? p
    }

    private func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private func display(_ absolutePath: String) -> String {
        let cwd = PathResolver.normalise(workingDirectory) ?? workingDirectory
        if absolutePath == cwd { return "the working directory" }
        return absolutePath.hasPrefix(cwd + "/") ? String(absolutePath.dropFirst(cwd.count + 1)) : absolutePath
    }
}
