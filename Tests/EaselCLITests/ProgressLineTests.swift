import Easel
@testable import EaselCLI
import Testing

/// The text of `easel generate`'s progress line: step, seconds per step, time left.
@Suite struct ProgressLineTests {
    @Test func text() {
        #expect(ProgressLine.text(GenerationProgress(step: 0, totalSteps: 20, elapsedSeconds: 0)) == "step 0/20")
        #expect(ProgressLine.text(GenerationProgress(step: 4, totalSteps: 20, elapsedSeconds: 6)) == "step 4/20  1.50 s/it  ETA 0:24")
        #expect(ProgressLine.text(GenerationProgress(step: 1, totalSteps: 50, elapsedSeconds: 95)) == "step 1/50  95.00 s/it  ETA 1:17:35")
    }

    @Test func clock() {
        #expect(ProgressLine.clock(0) == "0:00")
        #expect(ProgressLine.clock(59.6) == "1:00")
        #expect(ProgressLine.clock(3600) == "1:00:00")
    }
}
