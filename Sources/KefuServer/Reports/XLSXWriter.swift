import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Real .xlsx files through libxlsxwriter (the maintained C library, Debian's
/// `libxlsxwriter-dev`), loaded when asked for rather than linked: `swift build` and
/// `swift test` then need nothing installed, and a machine without the library gets a clear
/// error instead of a binary that does not start. No maintained Swift package writes .xlsx
/// on Linux (CoreXLSX only reads), and hand-written spreadsheet XML is what we avoid.
struct XLSXWriter {
    enum Failure: Error, CustomStringConvertible {
        case libraryMissing
        case failed(String)

        var description: String {
            switch self {
            case .libraryMissing: "xlsx 导出需要 libxlsxwriter（Debian：apt-get install libxlsxwriter-dev）"
            case .failed(let what): "xlsx 写入失败：\(what)"
            }
        }
    }

    private typealias New = @convention(c) (UnsafePointer<CChar>) -> OpaquePointer?
    private typealias AddSheet = @convention(c) (OpaquePointer, UnsafePointer<CChar>?) -> OpaquePointer?
    private typealias WriteString = @convention(c) (OpaquePointer, UInt32, UInt16, UnsafePointer<CChar>, OpaquePointer?) -> Int32
    private typealias WriteNumber = @convention(c) (OpaquePointer, UInt32, UInt16, Double, OpaquePointer?) -> Int32
    private typealias Close = @convention(c) (OpaquePointer) -> Int32

    private let new: New
    private let addSheet: AddSheet
    private let writeString: WriteString
    private let writeNumber: WriteNumber
    private let close: Close

    init() throws {
        var found: UnsafeMutableRawPointer?
        for name in ["libxlsxwriter.so.4", "libxlsxwriter.so", "libxlsxwriter.dylib"] where found == nil { found = dlopen(name, RTLD_NOW) }
        guard let handle = found else { throw Failure.libraryMissing }
        func symbol<T>(_ name: String, as: T.Type) throws -> T {
            guard let p = dlsym(handle, name) else { throw Failure.libraryMissing }
            return unsafeBitCast(p, to: T.self)
        }
        new = try symbol("workbook_new", as: New.self)
        addSheet = try symbol("workbook_add_worksheet", as: AddSheet.self)
        writeString = try symbol("worksheet_write_string", as: WriteString.self)
        writeNumber = try symbol("worksheet_write_number", as: WriteNumber.self)
        close = try symbol("workbook_close", as: Close.self)
    }

    /// One sheet: the header row, then the rows; cells that read as plain numbers are
    /// written as numbers, so Excel sums them.
    func write(path: String, sheet: String, headers: [String], rows: [[String]]) throws {
        guard let workbook = new(path) else { throw Failure.failed("cannot create \(path)") }
        guard let worksheet = addSheet(workbook, sheet) else {
            _ = close(workbook)
            throw Failure.failed("cannot add a sheet")
        }
        for (r, line) in ([headers] + rows).enumerated() {
            for (c, cell) in line.enumerated() {
                let result: Int32
                if r > 0, let number = Double(cell), number.isFinite, cell.first != "+", !cell.contains("e"), !cell.contains("E") {
                    result = writeNumber(worksheet, UInt32(r), UInt16(c), number, nil)
                } else {
                    result = writeString(worksheet, UInt32(r), UInt16(c), cell, nil)
                }
                if result != 0 { _ = close(workbook); throw Failure.failed("cell \(r),\(c) (error \(result))") }
            }
        }
        let closed = close(workbook)
        if closed != 0 { throw Failure.failed("closing \(path) (error \(closed))") }
    }
}
