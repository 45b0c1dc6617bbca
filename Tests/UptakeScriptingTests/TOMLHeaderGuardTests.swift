import XCTest
@testable import UptakeScripting

/// The check that keeps table headers toml++ would abort on (fuzzing found
/// `[= 8`, Tests/Fuzz/Regressions/manifest) away from TOMLKit: it refuses
/// those, with their line, and nothing that is valid TOML.
final class TOMLHeaderGuardTests: XCTestCase {
    func testHeadersThatCannotStartAKeyAreRefusedWithTheirLine() {
        XCTAssertEqual(TOMLHeaderGuard.firstBadHeader(in: "[= 8\n"), 1)
        XCTAssertEqual(TOMLHeaderGuard.firstBadHeader(in: "name = \"p\"\n\n  [[[a]]]\n"), 3)
        XCTAssertEqual(TOMLHeaderGuard.firstBadHeader(in: "a = 1\n[\n"), 2)
        XCTAssertEqual(TOMLHeaderGuard.firstBadHeader(in: "a = 1\n[[\u{13}x]]\n"), 2)
        // A backslash that joins lines in a multi-line string still counts its line.
        XCTAssertEqual(TOMLHeaderGuard.firstBadHeader(in: "a = \"\"\"x\\\n\"\"\"\n[=\n"), 3)
    }

    func testValidTOMLIsLeftToTheParser() throws {
        let valid = """
            name = "p"   # [= in a comment
            doc = \"\"\"
            [= inside a multi-line string
            \\\"\"\" still inside
            \"\"\"
            lit = '''
            [[[ also inside
            '''
            grid = [
              [ {a = 1} ],
              [ +1, 2 ],
            ]
            quoted = "[= not a header"
            [params.rate]
            [ "quoted key" ]
            [[ 'list' ]]
            [-dash]
            [9]
            """
        XCTAssertNil(TOMLHeaderGuard.firstBadHeader(in: valid))
    }
}
