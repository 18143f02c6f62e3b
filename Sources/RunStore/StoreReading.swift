import Declarations
import Experiment
import Foundation
import GRDB
import Statistics

/// Opening the store for commands that only read it (`plan`, `report`, `compare`, `history`,
/// `export-notebook`, `submit`'s look at finished runs, `merge`'s worker databases).
///
/// The promise: such a command never changes the database file — not its bytes, not its mtime — and it
/// works on a file or mount that cannot be written at all (archived, shared stores).
/// - The file is opened with SQLite's read-only flag, so no journal-mode switch, migration or checkpoint
///   can run. When SQLite could not even keep its shared-memory index beside the file (a read-only mount
///   or folder), the file is opened as immutable (`?immutable=1`): nothing can be writing to it then.
/// - A store from a newer FIABench is refused (`StoreError.newerSchema`) before anything else.
/// - A store from an older FIABench (migrations this build would add) is read through an upgraded
///   private copy in the temporary folder, removed when the handle goes; the original is not upgraded.
extension ResultStore {
    /// Opens the store at `path` read-only (see the type's notes). Writes through the handle fail.
    /// - Throws: `StoreError.notAFile` for a folder, FIFO or device; `.newerSchema`; `.cannotOpen` for a
    ///   missing, unreadable or damaged file, naming it.
    public static func reading(_ path: String) throws -> ResultStore {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError.cannotOpen(path: path, reason: "there is no such file")
        }
        try requireRegularFile(path)
        let pool = try openReadOnly(path)
        let migrator = StoreSchema.migrator
        let applied: Set<String>
        do {
            try refuseNewerSchema(pool, path: path)
            applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        let known = StoreSchema.migrationIdentifiers
        guard !applied.isSuperset(of: known) else {
            return ResultStore(path: path, pool: pool, readOnly: true, temporaryCopy: nil)
        }
        return try upgradedCopy(of: pool, path: path)
    }

    /// Throws `StoreError.notAFile` unless `path` (symlinks followed) is a regular file. A FIFO would block
    /// SQLite's open forever, and a folder or device gives SQLite's generic "unable to open".
    static func requireRegularFile(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }   // missing: the caller decides (create, or "no store")
        switch info.st_mode & S_IFMT {
        case S_IFREG: return
        case S_IFDIR: throw StoreError.notAFile(path: path, found: "a folder")
        case S_IFIFO: throw StoreError.notAFile(path: path, found: "a named pipe (FIFO)")
        case S_IFCHR, S_IFBLK: throw StoreError.notAFile(path: path, found: "a device")
        case S_IFSOCK: throw StoreError.notAFile(path: path, found: "a socket")
        default: throw StoreError.notAFile(path: path, found: "not a regular file")
        }
    }

    /// Refuses a store from a newer schema, reading it through a read-only connection that is closed again.
    static func refuseNewerSchema(_ path: String) throws {
        let pool = try openReadOnly(path)
        do {
            try refuseNewerSchema(pool, path: path)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    private static func refuseNewerSchema(_ pool: DatabasePool, path: String) throws {
        let migrator = StoreSchema.migrator
        let (superseded, applied) = try pool.read { db in (try migrator.hasBeenSuperseded(db), try migrator.appliedIdentifiers(db)) }
        if superseded {
            throw StoreError.newerSchema(path: path, unknownMigrations: applied.subtracting(StoreSchema.migrationIdentifiers).sorted())
        }
    }

    /// A read-only pool on `path`: plainly read-only (SQLite may create its empty `-wal` and its `-shm`
    /// index beside the file, as any reader does; the database file is not changed), else immutable — on a
    /// read-only mount, or when SQLite cannot create those files (a folder this user cannot write).
    private static func openReadOnly(_ path: String) throws -> DatabasePool {
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var volume = statvfs()
        let writable = !(statvfs(folder, &volume) == 0 && volume.f_flag & UInt(ST_RDONLY) != 0)
        func open(_ location: String) throws -> DatabasePool {
            let pool = try DatabasePool(path: location, configuration: config)
            _ = try pool.read { db in try db.tableExists("grdb_migrations") }   // connections open lazily: fail here
            return pool
        }
        do {
            return try open(writable ? path : immutableURI(path))
        } catch let error as DatabaseError where writable && [.SQLITE_CANTOPEN, .SQLITE_READONLY].contains(error.resultCode) {
            do { return try open(immutableURI(path)) } catch { throw StoreError.cannotOpen(path: path, reason: "\(error)") }
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
    }

    /// SQLite URI of `path` opened as immutable (no locks, no shared memory, no journal).
    private static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    /// A private, migrated copy of an older-schema store, read instead of the original (which stays as it is).
    private static func upgradedCopy(of source: DatabasePool, path: String) throws -> ResultStore {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("fiabench-read-\(UUID().uuidString).sqlite").path
        do {
            let queue = try DatabaseQueue(path: copy)
            try source.backup(to: queue)
            try queue.close()
            var config = Configuration()
            config.foreignKeysEnabled = true
            let pool = try DatabasePool(path: copy, configuration: config)
            try StoreSchema.migrator.migrate(pool)
            return ResultStore(path: path, pool: pool, readOnly: true, temporaryCopy: copy)
        } catch {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: copy + suffix) }
            throw StoreError.cannotOpen(path: path, reason: "it has an older schema and could not be read through an upgraded copy: \(error)")
        }
    }
}
