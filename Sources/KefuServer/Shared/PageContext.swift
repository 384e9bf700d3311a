import Vapor
import KefuCore

/// What every page's layout needs: who is signed in, the menu they may use, the CSRF token.
struct PageContext: Encodable {
    struct NavItem: Encodable { var href: String; var label: String; var active: Bool }
    struct UserInfo: Encodable { var workId: String; var name: String; var role: String; var roleLabel: String }

    var title: String
    var company: String
    var user: UserInfo?
    var nav: [NavItem]
    var csrf: String
    var notice: String?
    var simulatedNow: String?
    /// A fresh one-time token for the page's create forms (`_once`, see OnceToken).
    var once = OnceToken.issue()
    /// A full-screen page (the wallboard's big screen on a wall): no header and no menu.
    var bare = false
    /// The company switcher (people who may work for several companies; see CompanySwitcher).
    var switcher: CompanySwitcher?
    /// What the header's search box shows: the query on the search page itself.
    var searchQuery: String?

    init(_ req: Request, user: User?, title: String) {
        self.title = title
        company = req.kefu.settings.companyName
        csrf = req.sessionAvailable ? req.csrfToken : ""
        notice = req.takeFlashNotice()
        if req.kefu.simulatedClock != nil { simulatedNow = PageFormat.dateTime(req.now, req.kefu.settings.timeZone) }
        if let user {
            switcher = req.companySwitcher
            self.user = UserInfo(workId: user.workId, name: user.name, role: user.role, roleLabel: user.roleValue.label)
            let path = req.url.path
            if path == "/search" { searchQuery = req.query[String.self, at: "q"] }
            let items: [(String, String, Permission)] = [
                ("/workspace", "我的工作台", .workOrderWrite),
                ("/work-orders", "工单查询", .workOrderRead),
                ("/supervision", "督办单", .receiptWrite),
                ("/shift", "值班长看板", .shiftBoard),
                ("/wallboard", "实时监控", .shiftBoard),
                ("/customers", "客户档案", .customerRead),
                ("/audit/archive-reads", "查阅登记", .archiveAudit),
                ("/chats", "在线客服", .chatServe),
                ("/counter", "营业厅叫号", .counterServe),
                ("/visits/today", "今日上门", .visitServe),
                ("/visits", "上门预约", .visitBook),
                ("/outbound", "外呼", .outboundCall),
                ("/canned-replies", "快捷回复", .cannedReplies),
                ("/kb", "知识库", .signedIn),
                ("/qa/mine", "我的质检", .qaOwn),
                ("/qa", "质检复核", .qaReview),
                ("/qa/appraisal", "质检考核", .qaAppraisal),
                ("/qa/lexicon", "词库", .qaAdmin),
                ("/workforce/me", "我的排班", .workforceOwn),
                ("/attendance", "考勤", .signedIn),
                ("/reports-up", "请示报告", .signedIn),
                ("/reports/orders", "报表", .reportsRead),
                ("/reports/agents", "日报", .signedIn),
                ("/workforce", "排班管理", .workforceRead),
                ("/admin", "系统管理", .adminUsers),
            ]
            // The longest matching prefix is the active item (/qa/mine is not also /qa).
            let visible = items.filter { user.can($0.2) }
            let active = visible.map(\.0).filter { path == $0 || path.hasPrefix($0 + "/") }.max(by: { $0.count < $1.count })
            nav = visible.map { NavItem(href: $0.0, label: $0.1, active: $0.0 == active) }
        } else {
            nav = []
        }
    }
}
