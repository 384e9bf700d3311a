import Vapor
import Fluent
import KefuCore

/// Pictures of articles and cases (R6.1, R6.2): checked by their bytes (`KnowledgeImage`),
/// kept in the database so every `kefu serve` sharing it has them, and served only to the
/// people of the company they belong to, as images that can never run as a page.
struct KnowledgeImages {
    let tenant: TenantData
    let user: User
    let now: Date

    /// The upload route's body limit: the picture's limit and room for the form around it.
    static let bodyLimit: ByteCount = "6mb"

    /// Stores the uploaded picture for `company` (of the case `caseID`, when given).
    func store(_ file: File?, alt: String?, company: UUID, caseID: UUID? = nil, on db: Database) async throws -> KnowledgeImageRecord {
        let bytes = file.map { Data($0.data.readableBytesView) } ?? Data()
        let kind = KnowledgeImage.kind(of: bytes)
        if let problem = KnowledgeImage.problem(byteCount: bytes.count, kind: kind) {
            throw KefuError.invalid([.init(field: "file", message: problem)])
        }
        guard let kind else { throw KefuError.invalid([.init(field: "file", message: "只接受 PNG、JPEG、GIF 或 WebP 图片")]) }
        let caption = (alt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard caption.count <= KnowledgeImage.maxAlt, !Validation.hasControlCharacters(caption) else {
            throw KefuError.invalid([.init(field: "alt", message: "图片说明不超过 \(KnowledgeImage.maxAlt) 字")])
        }
        try tenant.check(company)
        let image = KnowledgeImageRecord()
        image.id = UUID(); image.companyID = company; image.caseID = caseID; image.kind = kind; image.bytes = bytes
        image.size = bytes.count; image.alt = caption; image.uploadedBy = user.workId; image.createdAt = now
        try await image.create(on: db)
        return image
    }

    /// `GET /kb/images/{id}`: the picture, for anyone signed in to its company. `nosniff` and
    /// a sandboxing policy make sure a browser shows it only as the image it was checked to be.
    static func serve(req: Request) async throws -> Response {
        let tenant = try await req.tenant()
        guard let image = try await tenant.find(KnowledgeImageRecord.self, req.parameters.get("id", as: UUID.self)) else {
            throw KefuError.notFound("图片")
        }
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "image", subType: String(image.kind.contentType.dropFirst("image/".count)))
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"kb-image.\(image.kind.rawValue)\"")
        headers.replaceOrAdd(name: "Content-Security-Policy", value: "default-src 'none'; sandbox")
        headers.replaceOrAdd(name: .cacheControl, value: "private, max-age=86400")
        return Response(status: .ok, headers: headers, body: .init(data: image.bytes))
    }
}
