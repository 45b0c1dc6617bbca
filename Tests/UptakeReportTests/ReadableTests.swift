import XCTest
@testable import UptakeReport

/// The one number format of everything printed for people, and the seed's text form.
final class ReadableTests: XCTestCase {
    func testEdgeCases() {
        XCTAssertEqual(Readable.number(.nan), "n/a")
        XCTAssertEqual(Readable.number(.infinity), "inf")
        XCTAssertEqual(Readable.number(-.infinity), "-inf")
        XCTAssertEqual(Readable.number(0), "0")
        XCTAssertEqual(Readable.number(-0.0), "0", "no negative zero")
        XCTAssertEqual(Readable.number(1e-9), "1e-9")
        XCTAssertEqual(Readable.number(-2.5e-7), "-2.5e-7")
        XCTAssertEqual(Readable.number(1e15), "1e15")
        XCTAssertEqual(Readable.number(1.23456e18), "1.23e18")
        XCTAssertEqual(Readable.number(999_999_999_999_999), "999,999,999,999,999", "just below 1e15 stays in digits")
        XCTAssertEqual(Readable.number(0.0001), "0.0001", "the smallest magnitude in plain digits")
    }

    func testThreeSignificantDigitsButWholeDigitsKept() {
        XCTAssertEqual(Readable.number(27_506_219.4), "27,506,219")
        XCTAssertEqual(Readable.number(-28_172_625), "-28,172,625")
        XCTAssertEqual(Readable.number(2_675), "2,675")
        XCTAssertEqual(Readable.number(104.03), "104")
        XCTAssertEqual(Readable.number(11.27), "11.3")
        XCTAssertEqual(Readable.number(-2.713), "-2.71")
        XCTAssertEqual(Readable.number(0.52381), "0.524")
        XCTAssertEqual(Readable.number(0.0032), "0.0032", "trailing zeros dropped")
        XCTAssertEqual(Readable.number(0.000541_2), "0.000541")
        XCTAssertEqual(Readable.number(16), "16")
    }

    func testRoundingThatCarriesIntoANewDigit() {
        XCTAssertEqual(Readable.number(9.9996), "10")
        XCTAssertEqual(Readable.number(999.7), "1,000")
        XCTAssertEqual(Readable.number(0.099_996), "0.1")
    }

    func testNeverExponentForOrdinaryMagnitudes() {
        for x in [2.75062e7, 28_172_625, 1.378e7, 0.00143295, 5_000, 1e14 + 1, 0.5, 123_456.789] {
            XCTAssertFalse(Readable.number(x).contains("e"), "\(x) -> \(Readable.number(x))")
        }
    }

    func testSignedPercentYuanAndIntervals() {
        XCTAssertEqual(Readable.signed(11.25), "+11.2")
        XCTAssertEqual(Readable.signed(-3), "-3")
        XCTAssertEqual(Readable.signed(0), "0")
        XCTAssertEqual(Readable.signed(.nan), "n/a")
        XCTAssertEqual(Readable.percent(0.958333), "95.8%")
        XCTAssertEqual(Readable.percent(1), "100%")
        XCTAssertEqual(Readable.percent(.nan), "n/a")
        XCTAssertEqual(Readable.yuan(13_909_641), "13.9 m yuan")
        XCTAssertEqual(Readable.yuan(2.75e9), "2.75 bn yuan")
        XCTAssertEqual(Readable.yuan(-4.2e6), "-4.2 m yuan")
        XCTAssertEqual(Readable.yuan(497_834), "497,834 yuan")
        XCTAssertEqual(Readable.yuan(0), "0 yuan")
        XCTAssertEqual(Readable.yuan(1_797_131, unit: false), "1.8 m")
        XCTAssertEqual(Readable.yuan(.nan), "n/a")
        XCTAssertEqual(Readable.interval(-2.713, 25.21), "[-2.71, 25.2]")
    }

    func testTablesAlignNamesLeftAndNumbersRight() {
        let lines = TextTable.lines([["policy", "effect"], ["a=0.3", "+15.4"], ["a=0.15", "+7.58"]])
        XCTAssertEqual(lines, ["policy  effect", "a=0.3    +15.4", "a=0.15   +7.58"])
    }
}
