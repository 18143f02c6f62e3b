import Foundation
import TensorEngine
import NN
import RRSISData
import RRSISModels

/// Pretrained backbones as content-addressed artifacts: `<cache>/pretrained/backbone-<key>.safetensors`,
/// where the key (`BackbonePretraining.key`) covers every input of the result — the pretraining recipe and
/// the backbone's name and parameters. A run whose backbone asks for `pretrain` loads the artifact, making
/// it first if no run has; the backbone's parameters (and so the artifact's key) are part of every run key
/// that uses it. Concurrent processes (local workers, Slurm array tasks) agree through a lock file: one
/// pretrains, the others wait for its file.
public struct PretrainedBackbones {
    /// `Results/.cache` (or the runner's results root's).
    public let cacheRoot: URL
    /// Progress lines (pretraining announces itself and reports each epoch).
    public var output: (String) -> Void
    /// A lock older than this without a finished artifact is taken to be a dead process's.
    public var staleLockSeconds: Double = 1800

    public init(cacheRoot: URL, output: @escaping (String) -> Void) {
        self.cacheRoot = cacheRoot
        self.output = output
    }

    /// The pretraining a backbone choice asks for at `imageSize`, or nil (`pretrain: none`).
    public static func recipe(for choice: ComponentChoice, imageSize: Int) throws -> BackbonePretraining? {
        guard try choice.params.string("pretrain") != "none" else { return nil }
        return BackbonePretraining(scenes: try choice.params.int("pretrainScenes"), epochs: try choice.params.int("pretrainEpochs"),
                                   imageSize: imageSize)
    }

    /// The text that identifies a backbone in the artifact key: its name and canonical parameters.
    static func description(_ choice: ComponentChoice) -> String { choice.name + choice.params.json.jsonText }

    /// Where the artifact of `recipe` for `choice` lives (whether or not it exists yet).
    public func artifactURL(_ recipe: BackbonePretraining, _ choice: ComponentChoice) -> URL {
        cacheRoot.appendingPathComponent("pretrained/backbone-\(recipe.key(backbone: Self.description(choice))).safetensors")
    }

    /// Loads the pretrained weights `choice` asks for into `backbone` (nothing when it asks for none),
    /// pretraining first when no artifact exists. Returns the artifact's URL, or nil.
    @discardableResult
    public func initialise(_ backbone: any Backbone, choice: ComponentChoice, imageSize: Int) throws -> URL? {
        guard let recipe = try Self.recipe(for: choice, imageSize: imageSize) else { return nil }
        let url = try artifact(recipe, choice)
        let file = try SafeTensors.read(url)
        try BackbonePretraining.load(file.tensors, into: backbone, source: url.path)
        return url
    }

    /// The artifact's URL, after making it if needed (under the lock).
    public func artifact(_ recipe: BackbonePretraining, _ choice: ComponentChoice) throws -> URL {
        let url = artifactURL(recipe, choice), fm = FileManager.default
        if fm.fileExists(atPath: url.path) { return url }
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = url.appendingPathExtension("lock")
        var announced = false
        while !fm.fileExists(atPath: url.path) {
            // O_EXCL creation is atomic (local file systems and NFS v3+): exactly one process pretrains.
            let fd = open(lock.path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                close(fd)
                defer { try? fm.removeItem(at: lock) }
                if !fm.fileExists(atPath: url.path) { try make(recipe, choice, at: url) }
                break
            }
            let age = (try? fm.attributesOfItem(atPath: lock.path)[.modificationDate] as? Date).map { -$0.timeIntervalSinceNow } ?? 0
            if age > staleLockSeconds {
                output("pretraining: removing the stale lock \(lock.path) (untouched for \(Int(age)) s)\n")
                try? fm.removeItem(at: lock)
                continue
            }
            if !announced { output("pretraining: waiting for another process to finish \(url.lastPathComponent)\n"); announced = true }
            Thread.sleep(forTimeInterval: 2)
        }
        return url
    }

    /// Pretrains and writes the artifact atomically, with its recipe, time and final figures as metadata.
    func make(_ recipe: BackbonePretraining, _ choice: ComponentChoice, at url: URL) throws {
        output("pretraining the \(choice.name) backbone: \(recipe.scenes) synthetic scenes × \(recipe.epochs) epochs "
               + "(once; cached as \(url.lastPathComponent))\n")
        let backbone = try ModelBuilders.plainBackbone(choice, seed: recipe.seed)
        let start = now()
        var last = (loss: 0.0, accuracy: 0.0)
        let lock = url.appendingPathExtension("lock")
        let state = try recipe.run(backbone) { epoch, loss, accuracy in
            last = (loss, accuracy)
            try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: lock.path)
            output(String(format: "  pretraining epoch %d/%d: loss %.4f, pixel accuracy %.2f%% (%.0f s)\n", epoch, recipe.epochs,
                          loss, 100 * accuracy, now() - start))
        }
        let metadata = ["recipe": recipe.canonicalDescription(backbone: Self.description(choice)),
                        "seconds": String(format: "%.1f", now() - start), "final_loss": String(format: "%.5f", last.loss),
                        "final_pixel_accuracy": String(format: "%.5f", last.accuracy), "threads": String(Parallel.workers)]
        let temporary = url.appendingPathExtension("partial-\(ProcessInfo.processInfo.processIdentifier)")
        try SafeTensors.write(state, metadata: metadata, to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, NSLocalizedDescriptionKey:
                "could not move the pretrained backbone into \(url.path): \(reason)"])
        }
    }
}
