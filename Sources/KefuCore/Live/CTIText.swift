import Foundation

/// Small text rules shared by the switch adapters.
enum CTIText {
    /// Switches send empty or blank fields for "unknown"; treat them as absent.
    static func nonEmpty(_ text: String?) -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }
}
