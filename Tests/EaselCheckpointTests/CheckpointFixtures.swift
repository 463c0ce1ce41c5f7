import EaselTestSupport
import Foundation

/// The files Tests/Reference/make_checkpoint_fixtures.py wrote into this target's `Fixtures`.
let checkpointFixtures = FixtureFolder(.module, writtenBy: "make_checkpoint_fixtures.py")

/// The URL of a file or folder under this test target's `Fixtures`.
func fixtureURL(_ name: String) throws -> URL { try checkpointFixtures.url(name) }
