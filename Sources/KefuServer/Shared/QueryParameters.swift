import Vapor

extension Request {
    /// A filter sent empty (`customerId=`) is refused rather than read as "no filter": the
    /// OpenAPI document types these parameters (a UUID, an enum, a date) and "" is none of
    /// them, so a client with a blank variable learns it instead of getting everything.
    func refuseEmptyQuery(_ names: String...) throws {
        for name in names where query[String.self, at: name]?.isEmpty == true {
            throw KefuError.badRequest("查询参数 \(name) 不能为空。")
        }
    }
}
