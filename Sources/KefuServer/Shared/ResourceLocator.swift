import Foundation

/// Finds the folder that holds `Resources/` (views, the OpenAPI document) and `Public/`
/// (CSS, JS) for the running binary, so `kefu serve` works whatever directory it was started
/// from (systemd, a deploy script, `cd /tmp && kefu serve`).
///
/// Looked for, in order: `KEFU_RESOURCES`; the binary's own folder and its parents (a checkout:
/// `.build/<triple>/debug/kefu` → the package root; an unpacked release folder); and the
/// install layout `<prefix>/bin/kefu` → `<prefix>/share/kefu`; last, the working directory.
public enum ResourceLocator {
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The folder (ending in "/") that has `Resources/Views` and `Public`, or an error saying
    /// where it looked and how to point Kefu at it.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              executablePath: String = CommandLine.arguments.first ?? "",
                              currentDirectory: String = FileManager.default.currentDirectoryPath) throws -> String {
        if let explicit = environment["KEFU_RESOURCES"], !explicit.isEmpty {
            let root = explicit.hasSuffix("/") ? explicit : explicit + "/"
            guard holdsResources(root) else {
                throw Missing(description: "KEFU_RESOURCES=\(explicit) 中没有 Resources/Views 与 Public 目录（KEFU_RESOURCES must name the folder that holds Resources/ and Public/）")
            }
            return root
        }
        var tried: [String] = []
        for candidate in candidates(executablePath: executablePath, currentDirectory: currentDirectory) {
            tried.append(candidate)
            if holdsResources(candidate) { return candidate }
        }
        throw Missing(description: """
            找不到页面模板与静态文件（Resources/Views、Public）。已查找：\(tried.prefix(6).joined(separator: ", "))。\
            请设置 KEFU_RESOURCES 指向包含 Resources/ 与 Public/ 的目录，或按 README 的安装步骤把它们装到 <prefix>/share/kefu。
            """)
    }

    static func candidates(executablePath: String, currentDirectory: String) -> [String] {
        var out: [String] = []
        var binary = URL(fileURLWithPath: executablePath, relativeTo: URL(fileURLWithPath: currentDirectory, isDirectory: true))
        binary = binary.resolvingSymlinksInPath()
        var dir = binary.deletingLastPathComponent().standardizedFileURL
        for _ in 0..<6 {
            out.append(dir.path.hasSuffix("/") ? dir.path : dir.path + "/")
            out.append(dir.appendingPathComponent("share/kefu").path + "/")
            let parent = dir.deletingLastPathComponent().standardizedFileURL
            if parent.path == dir.path { break }
            dir = parent
        }
        out.append(currentDirectory.hasSuffix("/") ? currentDirectory : currentDirectory + "/")
        return out
    }

    static func holdsResources(_ root: String) -> Bool {
        let fm = FileManager.default
        return fm.fileExists(atPath: root + "Resources/Views/base.leaf") && fm.fileExists(atPath: root + "Public/css")
            && fm.fileExists(atPath: root + "Resources/openapi.json")
    }
}
