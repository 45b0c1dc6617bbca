/// A file a report is made from (series.csv, run.json) that cannot be read
/// as one: one line with the file, the line when it is known, what is wrong
/// and how to get a good file.
///
///     out/run1/series.csv:7: this row has 12 fields, the header 40. It is not ...: run the scenario again ...
public struct InputFileError: Error, CustomStringConvertible, Equatable, Sendable {
    public let file: String
    /// 1-based; nil for a problem with the whole file.
    public let line: Int?
    public let problem: String
    public let fix: String

    public init(file: String, line: Int? = nil, problem: String, fix: String) {
        self.file = file
        self.line = line
        self.problem = problem
        self.fix = fix
    }

    public var description: String { "\(line.map { "\(file):\($0)" } ?? file): \(problem). \(fix)" }
}
