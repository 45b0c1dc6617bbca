import XCTest
@testable import UptakeBatch

/// The sbatch script: what a compute node runs must not depend on the
/// submitting shell's PATH or on spaces in paths.
final class SlurmScriptTests: XCTestCase {
    func testTheExecutableAndPathsWithSpacesAreQuotedForTheShell() {
        let script = SlurmScript(
            experiment: "my sweep.lua", shards: 2, outPrefix: "out/my sweep", uptake: "/opt/policy lab/bin/uptake",
            jobsPerTask: 1, jobName: "uptake-sweep", workingDirectory: "/home/ana/policy lab"
        ).text
        XCTAssertTrue(
            script.contains("exec '/opt/policy lab/bin/uptake' batch 'my sweep.lua' --shard \"$K/2\""), script)
        XCTAssertTrue(
            script.contains(
                "#   '/opt/policy lab/bin/uptake' merge 'out/my sweep-shard1of2.db' 'out/my sweep-shard2of2.db' --out 'out/my sweep.db'"
            ),
            script)
        XCTAssertTrue(script.contains("#SBATCH --chdir='/home/ana/policy lab'"), script)
    }
}
