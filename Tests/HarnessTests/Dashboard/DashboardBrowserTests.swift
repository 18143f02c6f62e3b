import Foundation
import RRSISData
import Testing
@testable import Dashboard

/// The site as a browser sees it: every page loads from `file://` without console errors, with its tables and
/// charts in the DOM, and renders to a screenshot that is not blank.
@Suite(.enabled(if: Chromium.executable != nil, Comment(rawValue: Chromium.missing)))
struct DashboardBrowserTests {
    @Test func pagesLoadWithTheirTablesAndChartsAndNoConsoleErrors() throws {
        let f = try DashboardFixture()
        defer { f.dir.remove() }
        // The check can fail: a page with a script error is caught.
        let broken = try f.dir.write("broken.html", "<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
        let caught = try Chromium.load(broken, ["--dump-dom"])
        #expect(caught.errors.contains { $0.contains("undefinedFunction") }, "console: \(caught.console)")

        let runPage = try #require(f.output.files.first { $0.contains("/run-") && $0.hasSuffix(".html") })
        for page in [f.site + "/index.html", f.site + "/spec-demo.html", runPage, f.site + "/benchmarks.html"] {
            // One browser launch per page: the DOM after loading, the console log and a screenshot.
            let shot = Self.screenshots(default: f.dir.path) + "/" + (page as NSString).lastPathComponent + ".png"
            let load = try Chromium.load(page, ["--dump-dom", "--screenshot=\(shot)", "--window-size=1280,900", "--hide-scrollbars"])
            #expect(load.status == 0 && load.errors.isEmpty, "\(page): \(load.console)")
            #expect(load.dom.contains("<table>"), "\(page) has a table")
            #expect(page.hasSuffix("index.html") || load.dom.contains("<svg"), "\(page) has a chart")
            // Links in the DOM as the browser parsed it resolve to files of the site.
            for link in DashboardFixture.links(load.dom) {
                #expect(FileManager.default.fileExists(atPath: f.site + "/" + link), "\(page): \(link)")
            }
            // The screenshot is a PNG of the window's size, not blank.
            let image = try PNGCodec.read(URL(fileURLWithPath: shot))
            #expect(image.width == 1280 && image.height == 900)
            let distinct = Set(stride(from: 0, to: image.pixels.count, by: image.channels * 97).map { image.pixels[$0] })
            #expect(distinct.count > 3, "\(page): the screenshot is blank")
        }
    }

    /// Where screenshots go: `$FIA_SCREENSHOTS` when set (to keep them, e.g. as CI artifacts), else the fixture's temporary folder.
    static func screenshots(default folder: String) -> String {
        guard let kept = ProcessInfo.processInfo.environment["FIA_SCREENSHOTS"], !kept.isEmpty else { return folder }
        try? FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: true)
        return kept
    }
}
