import Declarations
import Foundation
import NN
import RRSISData
import RRSISModels
import RunStore
import TensorEngine

/// Pretrained encoders as content-addressed artifacts under `<cache>/pretrained/`: `backbone-<key>` (semantic
/// segmentation of the synthetic world, `BackbonePretraining`) and `text-<key>` (masked-word prediction on
/// its expressions, `TextPretraining`), each a safetensors file whose key covers every input of the result —
/// the pretraining recipe (with its procedure's version) and the component's name and parameters
/// (`PretrainedArtifacts`). A run whose backbone or text encoder asks for `pretrain` loads the artifact, making
/// it first if no run has; the artifact's name is part of every run key that uses it (`Plan`). Concurrent
/// processes (local workers, Slurm array tasks) agree through a lock file: one pretrains, the others wait for
/// its file.
public struct PretrainedWeights {
    /// `Results/.cache` (or the runner's results root's).
    public let cacheRoot: URL
    /// Progress lines (pretraining announces itself and reports each epoch).
    public var output: (String) -> Void
    /// A lock untouched for this long without a finished artifact is taken to be a dead process's.
    public var staleLockSeconds: Double = 1800

    public init(cacheRoot: URL, output: @escaping (String) -> Void) {
        self.cacheRoot = cacheRoot
        self.output = output
    }

    /// Loads the pretrained encoders a model configuration asks for into `model` (its backbone at the data's
    /// image size, its text encoder over the training split's vocabulary), pretraining first where needed.
    /// A slot that also names an `init` file is skipped (neither pretrained nor loaded): its weights are that
    /// file's (`RunQueue.initialiseSlots`). Returns what each loaded artifact is and what making it cost (for the
    /// store's `run_pretraining`).
    @discardableResult
    public func initialise(_ model: Segmenter, config: ModelConfig, data: RunData) throws -> [PretrainingRecord] {
        var used: [PretrainingRecord] = []
        if let backbone = try PretrainedArtifacts.backbone(of: config, imageSize: data.train.height),
           let loaded = try loadBackbone(model.backbone, choice: backbone.choice, imageSize: data.train.height) {
            used.append(Self.record(.backbone, loaded))
        }
        if let text = try PretrainedArtifacts.text(of: config) {
            guard let encoder = model.text as? TextEncoder else {
                throw CheckpointError.malformed("text encoder \(text.choice.name): masked-word pretraining needs the transformer encoder")
            }
            if let loaded = try loadText(encoder, choice: text.choice, vocabulary: data.train.vocabulary) { used.append(Self.record(.text, loaded)) }
        }
        return used
    }

    /// The store's record of an artifact loaded into `slot`, from the metadata its pretraining wrote.
    static func record(_ slot: ComponentSlot, _ loaded: (url: URL, metadata: [String: String])) -> PretrainingRecord {
        let m = loaded.metadata
        return PretrainingRecord(slot: slot.rawValue, artifact: loaded.url.lastPathComponent, recipe: m["recipe"] ?? "",
                                 seconds: m["seconds"].flatMap(Double.init), threads: m["threads"].flatMap(Int.init),
                                 finalLoss: m["final_loss"].flatMap(Double.init),
                                 finalAccuracy: (m["final_pixel_accuracy"] ?? m["final_masked_accuracy"]).flatMap(Double.init))
    }

    // MARK: Backbone

    /// Where the backbone artifact of `recipe` for `choice` lives (whether or not it exists yet).
    public func backboneURL(_ recipe: BackbonePretraining, _ choice: ComponentChoice) -> URL {
        cacheRoot.appendingPathComponent("pretrained/" + PretrainedArtifacts.backboneName(recipe, choice))
    }

    /// Loads the pretrained weights `choice` asks for into `backbone` (nothing when it asks for none),
    /// pretraining first when no artifact exists. Returns the artifact's URL, or nil.
    @discardableResult
    public func initialise(_ backbone: any Backbone, choice: ComponentChoice, imageSize: Int) throws -> URL? {
        try loadBackbone(backbone, choice: choice, imageSize: imageSize)?.url
    }

    /// `initialise(_:choice:imageSize:)`, also returning the artifact's metadata.
    func loadBackbone(_ backbone: any Backbone, choice: ComponentChoice, imageSize: Int) throws -> (url: URL, metadata: [String: String])? {
        guard let recipe = try PretrainedArtifacts.backboneRecipe(for: choice, imageSize: imageSize) else { return nil }
        let url = backboneURL(recipe, choice)
        try artifact(at: url) { lock in
            output("pretraining the \(choice.name) backbone: \(recipe.scenes) synthetic scenes × \(recipe.epochs) epochs "
                   + "(once; cached as \(url.lastPathComponent))\n")
            let plain = try ModelCatalog.standard.plainBackbone(choice, seed: recipe.seed)
            let start = now()
            var last = (loss: 0.0, accuracy: 0.0)
            let state = try recipe.run(plain) { epoch, loss, accuracy in
                last = (loss, accuracy)
                touch(lock)
                output(String(format: "  pretraining epoch %d/%d: loss %.4f, pixel accuracy %.2f%% (%.0f s)\n", epoch, recipe.epochs,
                              loss, 100 * accuracy, now() - start))
            }
            return (state, ["recipe": recipe.canonicalDescription(backbone: PretrainedArtifacts.description(choice)),
                            "seconds": String(format: "%.1f", now() - start), "final_loss": String(format: "%.5f", last.loss),
                            "final_pixel_accuracy": String(format: "%.5f", last.accuracy), "threads": String(Parallel.workers)])
        }
        let file = try SafeTensors.read(url)
        try BackbonePretraining.load(file.tensors, into: backbone, source: url.path)
        return (url, file.metadata)
    }

    // MARK: Text encoder

    /// Where the text artifact of `recipe` for `choice` lives (whether or not it exists yet).
    public func textURL(_ recipe: TextPretraining, _ choice: ComponentChoice) -> URL {
        cacheRoot.appendingPathComponent("pretrained/" + PretrainedArtifacts.textName(recipe, choice))
    }

    /// Loads the pretrained weights `choice` asks for into `encoder`, whose embedding table follows
    /// `vocabulary` (nothing when it asks for none), pretraining first when no artifact exists.
    @discardableResult
    public func initialise(_ encoder: TextEncoder, choice: ComponentChoice, vocabulary: Vocabulary) throws -> URL? {
        try loadText(encoder, choice: choice, vocabulary: vocabulary)?.url
    }

    /// `initialise(_:choice:vocabulary:)`, also returning the artifact's metadata.
    func loadText(_ encoder: TextEncoder, choice: ComponentChoice, vocabulary: Vocabulary) throws -> (url: URL, metadata: [String: String])? {
        guard let recipe = try PretrainedArtifacts.textRecipe(for: choice) else { return nil }
        let url = textURL(recipe, choice)
        try artifact(at: url) { lock in
            output("pretraining the \(choice.name) text encoder: masked words of \(recipe.sentences) synthetic expressions × "
                   + "\(recipe.epochs) epochs (once; cached as \(url.lastPathComponent))\n")
            let start = now()
            let corpus = recipe.corpus()
            let words = Vocabulary(building: corpus)
            guard let plain = try ModelCatalog.standard.plainText(choice, vocabulary: words.count, seed: recipe.seed) as? TextEncoder else {
                throw CheckpointError.malformed("text encoder \(choice.name): masked-word pretraining needs the transformer encoder")
            }
            var last = (loss: 0.0, accuracy: 0.0)
            let state = try recipe.run(plain, corpus: corpus, vocabulary: words, maxLength: try choice.params.int("maxLength")) {
                epoch, loss, accuracy in
                last = (loss, accuracy)
                touch(lock)
                output(String(format: "  pretraining epoch %d/%d: loss %.4f, masked-word accuracy %.2f%% (%.0f s)\n", epoch,
                              recipe.epochs, loss, 100 * accuracy, now() - start))
            }
            let tokens = String(decoding: try JSONEncoder().encode(words.tokens), as: UTF8.self)
            return (state, ["recipe": recipe.canonicalDescription(encoder: PretrainedArtifacts.description(choice)), "tokens": tokens,
                            "seconds": String(format: "%.1f", now() - start), "final_loss": String(format: "%.5f", last.loss),
                            "final_masked_accuracy": String(format: "%.5f", last.accuracy), "threads": String(Parallel.workers)])
        }
        let file = try SafeTensors.read(url)
        guard let text = file.metadata["tokens"], let tokens = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw CheckpointError.malformed("\(url.path): no \"tokens\" list in its metadata; delete the file to pretrain again")
        }
        try TextPretraining.load(file.tensors, pretrainedTokens: tokens, into: encoder, vocabulary: vocabulary, source: url.path)
        return (url, file.metadata)
    }

    // MARK: Artifacts

    /// Makes the artifact at `url` unless it exists: under an exclusive lock file, `make` (given the lock's
    /// URL, to touch as it progresses) computes the tensors and metadata, written atomically.
    func artifact(at url: URL, make: (URL) throws -> ([(name: String, tensor: Tensor)], [String: String])) throws {
        let fm = FileManager.default
        if fm.fileExists(atPath: url.path) { return }
        try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let lock = url.appendingPathExtension("lock")
        var announced = false
        while !fm.fileExists(atPath: url.path) {
            // O_EXCL creation is atomic (local file systems and NFS v3+): exactly one process pretrains.
            let fd = open(lock.path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                let owner = Array("\(Self.hostName) \(getpid())\n".utf8)
                _ = owner.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
                defer { try? fm.removeItem(at: lock) }
                if !fm.fileExists(atPath: url.path) {
                    let (tensors, metadata) = try make(lock)
                    try Self.writeAtomically(tensors, metadata: metadata, to: url)
                }
                return
            }
            let age = (try? fm.attributesOfItem(atPath: lock.path)[.modificationDate] as? Date).map { -$0.timeIntervalSinceNow } ?? 0
            if age > staleLockSeconds || Self.ownerIsGone(lock) {
                output("pretraining: removing the stale lock \(lock.path) (its process is gone or it was untouched for \(Int(age)) s)\n")
                try? fm.removeItem(at: lock)
                continue
            }
            if !announced { output("pretraining: waiting for another process to finish \(url.lastPathComponent)\n"); announced = true }
            Thread.sleep(forTimeInterval: 2)
        }
    }

    static let hostName = ProcessInfo.processInfo.hostName

    /// Whether a lock names a process on this host that no longer exists (a crashed or killed run).
    static func ownerIsGone(_ lock: URL) -> Bool {
        guard let text = try? String(contentsOf: lock, encoding: .utf8) else { return false }
        let parts = text.split(whereSeparator: \.isWhitespace)
        guard parts.count == 2, parts[0] == hostName, let pid = Int32(parts[1]) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    /// Refreshes a lock's modification time (the owner is alive).
    func touch(_ lock: URL) { try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: lock.path) }

    /// Writes a safetensors file beside `url` and renames it into place, so readers see all of it or nothing.
    static func writeAtomically(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String], to url: URL) throws {
        let temporary = url.appendingPathExtension("partial-\(ProcessInfo.processInfo.processIdentifier)")
        try SafeTensors.write(tensors, metadata: metadata, to: temporary)
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path, NSLocalizedDescriptionKey:
                "could not move the pretrained weights into \(url.path): \(reason)"])
        }
    }
}
