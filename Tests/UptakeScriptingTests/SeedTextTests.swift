import UptakeScripting
import XCTest

/// Seeds written as text (exports) and read back by --seed and --set seed=.
final class SeedTextTests: XCTestCase {
    func testSeedsAboveTwoToThe53RoundTripAsText() {
        let seed: UInt64 = 9_451_341_060_835_768_564
        XCTAssertNotEqual(
            UInt64(exactly: Double(seed)), seed, "a double would lose this seed: the test means something")
        let text = SeedText.text(seed)
        XCTAssertEqual(text, "s9451341060835768564")
        XCTAssertNil(Double(text), "not a number to a spreadsheet or R either")
        XCTAssertEqual(SeedText.seed(text), seed)
        XCTAssertEqual(SeedText.seed("9451341060835768564"), seed, "plain digits are a seed too")
        XCTAssertEqual(SeedText.seed(SeedText.text(.max)), .max)
        for bad in ["", "s", "s-1", "s1.5", "x12", "s18446744073709551616", "s 1"] {
            XCTAssertNil(SeedText.seed(bad), bad)
        }
    }

    func testSetSeedTakesWhatSeedTakes() throws {
        XCTAssertEqual(
            try ParameterOverride(parsing: "seed=s9451341060835768564").seed(given: nil), 9_451_341_060_835_768_564)
        XCTAssertEqual(try ParameterOverride(parsing: "seed=18446744073709551615").seed(given: nil), .max)
        XCTAssertEqual(try ParameterOverride(parsing: "seed=s7").seed(given: 7), 7, "the same seed given both ways")
        XCTAssertThrowsError(try ParameterOverride(parsing: "seed=s7").seed(given: 8), "two different seeds")
        for bad in ["seed=s", "seed=s-1", "seed=-1", "seed=18446744073709551616"] {
            XCTAssertThrowsError(try ParameterOverride(parsing: bad).seed(given: nil), bad)
        }
    }
}
