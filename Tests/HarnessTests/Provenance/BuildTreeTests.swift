import Foundation
import Testing
@testable import Experiment
@testable import RunStore
@testable import Harness

/// A throwaway git repository laid out like the package: tracked sources, a tracked example report under
/// `Results/`, and a file standing for the executable built from it.
struct GitTree {
    let dir: TempDir
    var root: String { dir.path }
    var binary: String { dir.path + "/.build/debug/ablate" }

    init() throws {
        dir = try TempDir()
        try dir.write("Sources/Lib/a.swift", "let a = 1\n")
        try dir.write("Package.swift", "// package\n")
        try dir.write("Results/demo/table.md", "# demo\n")
        try dir.write(".gitignore", ".build/\n")
        try git("init", "-q")
        try git("add", "-A")
        try git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "first")
        try dir.write(".build/debug/ablate", "binary")
    }

    /// Runs git in the tree; throws when it fails.
    @discardableResult
    func git(_ arguments: String...) throws -> String {
        guard let out = RunEnvironment.run(["git", "-C", root] + arguments, keepEmpty: true) else {
            throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "git \(arguments.joined(separator: " ")) failed"])
        }
        return out
    }

    /// Sets the modification time of `relative` to `secondsAgo` before now.
    func age(_ relative: String, secondsAgo: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-secondsAgo)], ofItemAtPath: root + "/" + relative)
    }

    func inspect() -> BuildTree { BuildTree.inspect(root: root, executable: binary) }
}

struct BuildTreeTests {
    static let hasGit = RunEnvironment.run(["git", "--version"]) != nil

    @Test(.enabled(if: hasGit, "git is not installed")) func toolOutputsDoNotMakeATreeDirty() throws {
        let t = try GitTree()
        defer { t.dir.remove() }
        let head = try t.git("rev-parse", "HEAD")
        var tree = t.inspect()
        #expect(tree.commit == head && tree.isDirty == false && tree.newerSource == nil && tree.describesBinary)
        // What the tool writes: a regenerated (tracked) example report, new report files, an exported notebook.
        try t.dir.write("Results/demo/table.md", "# demo, regenerated\n")
        try t.dir.write("Results/other/table.csv", "a,b\n")
        try t.dir.write("notebooks-export/demo.ipynb", "{}\n")
        tree = t.inspect()
        #expect(tree.isDirty == false && tree.describesBinary)
        #expect(RunEnvironment.current(tree: tree).dirty == false && RunEnvironment.current(tree: tree).commit == head)
        // An untracked file elsewhere, then a changed tracked source: both are dirty.
        try t.dir.write("notes.txt", "todo\n")
        #expect(t.inspect().isDirty == true)
        try FileManager.default.removeItem(atPath: t.root + "/notes.txt")
        #expect(t.inspect().isDirty == false)
        try t.dir.write("Sources/Lib/a.swift", "let a = 2\n")
        tree = t.inspect()
        #expect(tree.isDirty == true && !tree.describesBinary && RunEnvironment.current(tree: tree).dirty == true)
    }

    @Test(.enabled(if: hasGit, "git is not installed")) func aSourceNewerThanTheBinaryIsCaught() throws {
        let t = try GitTree()
        defer { t.dir.remove() }
        // Built an hour ago; sources older still: the commit describes the binary.
        try t.age(".build/debug/ablate", secondsAgo: 3600)
        for f in ["Sources/Lib/a.swift", "Package.swift", "Results/demo/table.md"] { try t.age(f, secondsAgo: 7200) }
        #expect(t.inspect().newerSource == nil)
        #expect(try t.inspect().commitToRecord() == (try t.git("rev-parse", "HEAD")))
        // A checkout (or edit) after the build rewrites the source: the binary is stale even though the tree is clean.
        try t.dir.write("Sources/Lib/a.swift", "let a = 1\n")
        let tree = t.inspect()
        #expect(tree.isDirty == false && tree.newerSource == "Sources/Lib/a.swift" && !tree.describesBinary)
        #expect(throws: BuildTreeError.staleBinary(root: t.root, newest: "Sources/Lib/a.swift")) { try tree.commitToRecord() }
        #expect(tree.warnings(workingDirectory: t.root).contains { $0.hasPrefix("Sources/Lib/a.swift changed after ablate was built") })
        // A report regenerated after the build is not a source.
        try t.age("Sources/Lib/a.swift", secondsAgo: 7200)
        try t.dir.write("Results/demo/table.md", "# new\n")
        #expect(t.inspect().newerSource == nil)
    }

    @Test(.enabled(if: hasGit, "git is not installed")) func warnsWhenRunFromAnotherTree() throws {
        let t = try GitTree(), other = try GitTree()
        defer { t.dir.remove(); other.dir.remove() }
        try other.dir.write("Sources/Lib/b.swift", "let b = 1\n")
        try other.git("add", "-A")
        try other.git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "second")
        try t.age(".build/debug/ablate", secondsAgo: 60)
        for f in ["Sources/Lib/a.swift", "Package.swift"] { try t.age(f, secondsAgo: 120) }
        let tree = t.inspect()
        #expect(tree.warnings(workingDirectory: t.root).isEmpty)
        let warnings = tree.warnings(workingDirectory: other.root)
        let builtFrom = String(try t.git("rev-parse", "HEAD").prefix(7)), here = String(try other.git("rev-parse", "HEAD").prefix(7))
        #expect(warnings == ["ablate was built from \(t.root) at \(builtFrom), but this directory is at \(here): "
                             + "runs record the commit the binary was built from (\(builtFrom))."])
        let outside = try TempDir()
        defer { outside.remove() }
        #expect(tree.warnings(workingDirectory: outside.path).first?.contains("this directory is not in a git repository") == true)
    }

    @Test func outsideARepositoryThereIsNoCommit() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let tree = BuildTree.inspect(root: dir.path, executable: nil)
        #expect(tree.commit == nil && tree.isDirty == nil && !tree.describesBinary)
        #expect(RunEnvironment.current(tree: tree).commit == nil && RunEnvironment.current(tree: tree).dirty == nil)
        #expect(throws: BuildTreeError.noCommit(root: dir.path)) { try tree.commitToRecord() }
    }

    @Test func theCompiledRootIsThisPackageAndItsOutputsAreTheToolsOwn() {
        #expect(BuildTree.compiledRoot == AblateProcess.repository)
        #expect(BuildTree.toolOutputs.contains(HarnessCommands.notebookFolder))
        #expect(BuildTree.toolOutputs.contains(ResultsFolder.defaultRoot))
    }
}
