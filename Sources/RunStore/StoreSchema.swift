import Declarations
import Experiment
import GRDB
import Statistics

/// The store's schema, as GRDB migrations. Never edit a shipped migration: append a new one (`v2_…`);
/// a database carrying a migration this build does not know is refused (`StoreError.newerSchema`).
/// Column names are snake_case so the database reads naturally from the `sqlite3` shell and pandas.
///
/// - `runs`: one row per run key. Provenance (`spec_name`, `spec_file`, `spec_hash`, `cell_name`,
///   `cell_index` = table row order, `seed`, `commit_sha`, `dirty`, `toolchain`, `host`, `cores`, `threads`),
///   `status` (`running` | `finished` | `failed`), `started_at`/`finished_at` (ISO 8601 UTC text), `error`,
///   `config` (canonical JSON of dataset + model + train) and `config_hash`, `dataset_fingerprint`.
/// - `params`: the config flattened, `(run_key, key, value)`, e.g. `model.alignment.params.spatial` → `true`
///   (values are canonical JSON text); plus `seed`.
/// - `curves`: `(run_key, epoch, step, split)` → `loss`, `lr`, `seconds` since the run began, and on `val`
///   rows `miou`/`oiou` (fractions).
/// - `metrics`: `(run_key, split, name, tag, value)`: `name` is `oIoU`, `mIoU`, `Pr@0.5` … `Pr@0.9` (fractions
///   0…1) or `samples` (count, breakdown rows only); `tag` is NULL for the whole split or `scale=small`,
///   `positionNeeded=true`, `category=ship`, … for a breakdown.
/// - `costs`: `(run_key, component)` → `params`, `macs` (a fused multiply-add counts 1), `flops` (= 2 × MACs),
///   `train_s_per_step`, `train_s_per_epoch`, `infer_ms_per_image`, `peak_memory_bytes`. The `total` row is the
///   whole model and carries the timings; other rows are components by dotted path.
///
/// - `predictions` (v2): predicted masks of a few fixed samples per run, for qualitative panels:
///   `(run_key, split, sample_id)` → `sample_index` (position in the split), `width`, `height`, `mask`
///   (BLOB, one byte per pixel, row-major, 1 = target), `iou` of that sample.
/// - `runs.owner`, `runs.heartbeat_at` (v3): which process (`host:pid`) is training a `running` run and when
///   it last said so; another process on the same database leaves a live claim alone and waits for it.
///
/// - `sample_results` (v4): per-sample intersection, union, IoU and tags of every evaluated run and split;
///   see `StoreSamples`.
/// - `benchmarks` (v5): figures recorded by `ablate-bench --record`; see `StoreBenchmarks`.
/// - `steps` (v6): per-step training loss and learning rate of every run; see `StoreSteps`.
/// - `run_files` (v7): the checkpoints, config and metrics files each run kept; see `StoreRunFiles`.
/// - `run_pretraining` (v8): the pretrained artifacts each run started from and their cost; see `StorePretraining`.
///
/// Child rows reference `runs` with ON DELETE CASCADE, so restarting a run clears its old curves and results.
enum StoreSchema {
    /// Identifiers of every migration this build knows (a store carrying all of them needs no upgrade).
    static var migrationIdentifiers: Set<String> { Set(migrator.migrations) }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1_initial") { db in
            try db.create(table: "runs") { t in
                t.primaryKey("run_key", .text)
                t.column("spec_name", .text).notNull().indexed()
                t.column("spec_file", .text)
                t.column("spec_hash", .text)
                t.column("cell_name", .text).notNull()
                t.column("cell_index", .integer).notNull()
                t.column("seed", .integer).notNull()
                t.column("commit_sha", .text)
                t.column("dirty", .boolean)
                t.column("toolchain", .text)
                t.column("host", .text)
                t.column("cores", .integer)
                t.column("threads", .integer)
                t.column("status", .text).notNull().check(sql: "status IN ('running', 'finished', 'failed')")
                t.column("started_at", .text).notNull()
                t.column("finished_at", .text)
                t.column("error", .text)
                t.column("config", .text).notNull()
                t.column("config_hash", .text).notNull()
                t.column("dataset_fingerprint", .text).notNull()
            }
            try db.create(table: "params") { t in
                t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
                t.column("key", .text).notNull()
                t.column("value", .text).notNull()
                t.primaryKey(["run_key", "key"])
            }
            try db.create(table: "curves") { t in
                t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
                t.column("epoch", .integer).notNull()
                t.column("step", .integer).notNull()
                t.column("split", .text).notNull()
                t.column("loss", .double)
                t.column("lr", .double)
                t.column("seconds", .double)
                t.column("miou", .double)
                t.column("oiou", .double)
                t.primaryKey(["run_key", "epoch", "step", "split"])
            }
            try db.create(table: "metrics") { t in
                t.column("run_key", .text).notNull().references("runs", onDelete: .cascade).indexed()
                t.column("split", .text).notNull()
                t.column("name", .text).notNull()
                t.column("tag", .text)
                t.column("value", .double).notNull()
            }
            try db.create(table: "costs") { t in
                t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
                t.column("component", .text).notNull()
                t.column("params", .integer)
                t.column("macs", .integer)
                t.column("flops", .integer)
                t.column("train_s_per_step", .double)
                t.column("train_s_per_epoch", .double)
                t.column("infer_ms_per_image", .double)
                t.column("peak_memory_bytes", .integer)
                t.primaryKey(["run_key", "component"])
            }
        }
        m.registerMigration("v2_predictions") { db in
            try db.create(table: "predictions") { t in
                t.column("run_key", .text).notNull().references("runs", onDelete: .cascade)
                t.column("split", .text).notNull()
                t.column("sample_id", .text).notNull()
                t.column("sample_index", .integer).notNull()
                t.column("width", .integer).notNull()
                t.column("height", .integer).notNull()
                t.column("mask", .blob).notNull()
                t.column("iou", .double)
                t.primaryKey(["run_key", "split", "sample_id"])
            }
        }
        m.registerMigration("v3_run_claims") { db in
            try db.alter(table: "runs") { t in
                t.add(column: "owner", .text)
                t.add(column: "heartbeat_at", .text)
            }
        }
        m.registerMigration(StoreSamples.migrationName) { db in try StoreSamples.migrate(db) }
        m.registerMigration(StoreBenchmarks.migrationName) { db in try StoreBenchmarks.migrate(db) }
        m.registerMigration(StoreSteps.migrationName) { db in try StoreSteps.migrate(db) }
        m.registerMigration(StoreRunFiles.migrationName) { db in try StoreRunFiles.migrate(db) }
        m.registerMigration(StorePretraining.migrationName) { db in try StorePretraining.migrate(db) }
        return m
    }
}
