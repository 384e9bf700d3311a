import Foundation
import Testing
@testable import KefuCore

/// An article's Markdown becomes HTML that cannot run anything: raw HTML, script links and
/// pictures from elsewhere stay text.
@Suite struct KnowledgeMarkdownTests {
    @Test func theSmallMarkdownEditorsWrite() {
        let html = KnowledgeMarkdown.html("""
            # 宽带断线处理
            先请客户**重启光猫**，再看*指示灯*。

            - 红灯：报修
            - 绿灯：查账号

            1. 登记
            2. 派单
            > 统一口径：我们将在 24 小时内上门。
            ```
            ping 192.168.1.1
            ```
            [资费表](/kb/articles) 和 [官网](https://example.com/a?b=1&c=2)
            """)
        #expect(html.contains("<h2>宽带断线处理</h2>"))
        #expect(html.contains("<strong>重启光猫</strong>") && html.contains("<em>指示灯</em>"))
        #expect(html.contains("<ul><li>红灯：报修</li><li>绿灯：查账号</li></ul>"))
        #expect(html.contains("<ol><li>登记</li><li>派单</li></ol>"))
        #expect(html.contains("<blockquote><p>统一口径：我们将在 24 小时内上门。</p></blockquote>"))
        #expect(html.contains("<pre><code>ping 192.168.1.1</code></pre>"))
        #expect(html.contains(#"<a href="/kb/articles">资费表</a>"#))
        #expect(html.contains(#"href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer" target="_blank">官网</a>"#))
    }

    @Test(arguments: [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[点我](javascript:alert(1))",
        "[点我](//evil.example/x)",
        "![图](https://evil.example/x.png)",
        "![图](/kb/images/../../etc/passwd)",
        "**<b onclick=x>**",
        "`<script>`",
        "[a](/x\" onmouseover=\"y)",
    ])
    func nothingTheEditorTypesBecomesMarkupThatRuns(_ text: String) {
        let html = KnowledgeMarkdown.html(text)
        #expect(!html.contains("<script"), "\(html)")
        #expect(!html.contains("<img src=x") && !html.contains("<b "), "\(html)")
        #expect(!html.lowercased().contains("href=\"javascript") && !html.contains("href=\"//") && !html.contains("\" onmouseover"), "\(html)")
        #expect(!html.contains("src=\"https://evil") && !html.contains("src=\"/kb/images/.."), "\(html)")
    }

    @Test func picturesComeOnlyFromTheArticleStore() {
        let id = UUID()
        #expect(KnowledgeMarkdown.html("![光猫指示灯](/kb/images/\(id.uuidString))")
                .contains(#"<img src="/kb/images/\#(id.uuidString)" alt="光猫指示灯" loading="lazy">"#))
    }
}
