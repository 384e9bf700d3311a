/// The branch's IVR welcome (R11.1, 004 第三条): "欢迎致电{company}{branch}客服热线{hotline}".
/// Placeholders left unknown are kept as typed, so a typo shows on the preview instead of
/// silently vanishing.
public enum WelcomeText {
    public static let standard = "欢迎致电{company}{branch}客服热线{hotline}"

    public static func fill(_ template: String, company: String, branch: String, hotline: String) -> String {
        template
            .replacingOccurrences(of: "{company}", with: company)
            .replacingOccurrences(of: "{branch}", with: branch)
            .replacingOccurrences(of: "{hotline}", with: hotline)
    }
}
