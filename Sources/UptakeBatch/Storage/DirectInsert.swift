import GRDB
import GRDBSQLite

/// One execution of a prepared INSERT whose values are bound straight to its
/// SQLite statement, in order, and then stepped.
///
/// Why not `Statement.execute(arguments:)`: GRDB builds its arguments from a
/// sequence of existentials through code that is not specialised for the
/// caller, and then binds each through a protocol; for the results database's
/// rows (a run's series is 160 values at 40 ticks) that cost three times
/// SQLite's own insert, and made the supervisor of a batch of small runs a
/// third of a worker. The statement stays GRDB's (cached, finalized by GRDB
/// when the database closes); only the binding and the stepping happen here,
/// inside GRDB's transaction. Values are bound as GRDB binds them: an integer
/// as a 64-bit integer, a double as a double, NaN and nil as NULL, a string as
/// UTF-8 text.
struct DirectInsert {
    private let statement: Statement
    private let handle: OpaquePointer
    private var index: Int32 = 0
    /// The first binding SQLite refused, if any.
    private var refused: Int32 = SQLITE_OK

    init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    private mutating func check(_ code: Int32) {
        if code != SQLITE_OK && refused == SQLITE_OK { refused = code }
    }

    private mutating func nextIndex() -> Int32 {
        index += 1
        return index
    }

    mutating func bind(_ value: Int) { check(sqlite3_bind_int64(handle, nextIndex(), Int64(value))) }

    /// NaN, which SQLite would store as NULL anyway, is bound as NULL.
    mutating func bind(_ value: Double?) {
        let at = nextIndex()
        if let value, !value.isNaN {
            check(sqlite3_bind_double(handle, at, value))
        } else {
            check(sqlite3_bind_null(handle, at))
        }
    }

    mutating func bind(_ value: String?) {
        let at = nextIndex()
        guard let value else { return check(sqlite3_bind_null(handle, at)) }
        var text = value
        check(text.withUTF8 { sqlite3_bind_text(handle, at, $0.baseAddress, Int32($0.count), DirectInsert.transient) })
    }

    /// Steps the statement once; an error of SQLite's is thrown as GRDB throws it.
    func execute(in db: Database) throws {
        precondition(
            index == sqlite3_bind_parameter_count(handle),
            "DirectInsert: \(index) values bound for \(sqlite3_bind_parameter_count(handle)) parameters of \(statement.sql)"
        )
        let code = refused == SQLITE_OK ? sqlite3_step(handle) : refused
        defer { sqlite3_reset(handle) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql)
        }
    }

    /// SQLite's SQLITE_TRANSIENT (copy the bytes now), a C macro Swift does not import.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
