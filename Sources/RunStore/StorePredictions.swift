import Declarations
import Experiment
import Foundation
import GRDB
import Statistics

/// The predicted mask of one sample, kept for qualitative panels (`predictions` table).
public struct SamplePrediction: Equatable, Sendable {
    /// `"test"` (the runner keeps test samples only) or `"val"`.
    public var split: String
    /// The sample's id in its dataset.
    public var sampleID: String
    /// Position of the sample in its split (0-based, split order).
    public var sampleIndex: Int
    /// Size of the mask, pixels (the evaluation resolution).
    public var width: Int
    public var height: Int
    /// One byte per pixel, row-major, 1 = target, 0 = background (`width * height` bytes).
    public var mask: [UInt8]
    /// IoU of this sample's prediction with its ground truth, a fraction (0 when both are empty, as the metrics count it).
    public var iou: Double?

    public init(split: String, sampleID: String, sampleIndex: Int, width: Int, height: Int, mask: [UInt8], iou: Double?) {
        precondition(mask.count == width * height, "SamplePrediction \(sampleID): \(mask.count) mask bytes for \(width)x\(height)")
        self.split = split; self.sampleID = sampleID; self.sampleIndex = sampleIndex
        self.width = width; self.height = height; self.mask = mask; self.iou = iou
    }
}

extension ResultStore {
    /// Records a run's kept predictions in one transaction, replacing those it stored before for the same splits.
    /// - Throws: `StoreError.unknownRun` when the run was never begun.
    public func recordPredictions(runKey: String, _ predictions: [SamplePrediction]) throws {
        try pool.write { db in
            try Self.requireRun(runKey, db)
            try Self.writePredictions(predictions, runKey: runKey, db)
        }
    }

    /// The kept predictions of a run on `split`, in split order.
    public func predictions(runKey: String, split: String = "test") throws -> [SamplePrediction] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT sample_id, sample_index, width, height, mask, iou FROM predictions
                WHERE run_key = ? AND split = ? ORDER BY sample_index, sample_id
                """, arguments: [runKey, split])
                .compactMap { r -> SamplePrediction? in
                    let bytes: [UInt8] = (r["mask"] as Data?).map { [UInt8]($0) } ?? []
                    let (w, h): (Int, Int) = (r["width"], r["height"])
                    // A row whose blob does not match its size (hand-edited or damaged) is not a mask: leave it out.
                    guard w > 0, h > 0, bytes.count == w * h else { return nil }
                    return SamplePrediction(split: split, sampleID: r["sample_id"], sampleIndex: r["sample_index"],
                                            width: w, height: h, mask: bytes, iou: r["iou"])
                }
        }
    }

    /// Inside a write transaction: deletes the run's rows for the splits in `predictions`, then inserts them.
    /// Nothing is deleted when `predictions` is empty (a caller that kept none leaves earlier ones alone).
    static func writePredictions(_ predictions: [SamplePrediction], runKey: String, _ db: Database) throws {
        for split in Set(predictions.map(\.split)) {
            try db.execute(sql: "DELETE FROM predictions WHERE run_key = ? AND split = ?", arguments: [runKey, split])
        }
        for p in predictions {
            try db.execute(sql: """
                INSERT INTO predictions (run_key, split, sample_id, sample_index, width, height, mask, iou)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [runKey, p.split, p.sampleID, p.sampleIndex, p.width, p.height, Data(p.mask), p.iou])
        }
    }
}

