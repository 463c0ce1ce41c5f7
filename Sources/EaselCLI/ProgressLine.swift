import Easel
import Foundation

/// The one-line progress display of `easel generate` on standard error: step, seconds per step and the time
/// left, redrawn in place (carriage return) after each step. Only drawn on a terminal, so logs and pipes get
/// no control characters.
struct ProgressLine {
    let enabled: Bool

    func show(_ progress: GenerationProgress) {
        guard enabled else { return }
        write("\r\u{1B}[K" + Self.text(progress))
    }

    func finish() {
        guard enabled else { return }
        write("\n")
    }

    /// "step 3/20  1.52 s/it  ETA 0:26"; before the first step ends, just "step 0/20".
    static func text(_ progress: GenerationProgress) -> String {
        var text = "step \(progress.step)/\(progress.totalSteps)"
        if let perStep = progress.secondsPerStep, let remaining = progress.secondsRemaining {
            text += String(format: "  %.2f s/it  ETA %@", perStep, clock(remaining))
        }
        return text
    }

    /// Seconds as m:ss (or h:mm:ss).
    static func clock(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        let (hours, minutes, secs) = (total / 3600, total / 60 % 60, total % 60)
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, secs) : String(format: "%d:%02d", minutes, secs)
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
