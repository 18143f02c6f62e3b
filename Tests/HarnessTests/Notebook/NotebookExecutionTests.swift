import Foundation
import Testing
@testable import Harness
@testable import Figures

/// The exported notebook run as Jupyter runs it (nbclient with a Python kernel): every figure is still there
/// afterwards, byte for byte, and the executed notebook is valid nbformat.
struct NotebookExecutionTests {
    @Test(.enabled(if: Python.hasNbclient && Python.hasPandas, "needs python3 with nbclient, nbformat, ipykernel and pandas (.ci/setup installs them)"))
    func executingTheNotebookKeepsEveryFigure() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let (spec, store) = try NotebookTests.handMadeStore(dir)
        let out = dir.path + "/notebooks-export"
        _ = try HarnessCommands.exportNotebook(spec: spec, storePath: store, resultsRoot: dir.path + "/Results", outputFolder: out)
        let script = """
            import sys
            import nbformat
            from nbclient import NotebookClient

            folder, path = sys.argv[1], sys.argv[2]
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)

            def images(nb):
                found = []
                for cell in nb.cells:
                    found += [a["image/png"] for a in cell.get("attachments", {}).values() if "image/png" in a]
                    found += [o["data"]["image/png"] for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
                return found

            before = images(nb)
            NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
            after = images(nb)
            nbformat.validate(nb)
            errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
            assert not errors, errors
            executed = [c for c in nb.cells if c.cell_type == "code" and c.execution_count is not None]
            assert len(executed) == len([c for c in nb.cells if c.cell_type == "code"]), "a code cell did not run"
            assert after == before, (len(before), len(after))
            print(len(before), "ok")
            """
        let scriptPath = try dir.write("execute.py", script)
        let result = Python.run([scriptPath, out, out + "/demo.ipynb"])
        #expect(result.status == 0 && result.output.hasSuffix("4 ok\n"), "\(result.output)")
    }
}
