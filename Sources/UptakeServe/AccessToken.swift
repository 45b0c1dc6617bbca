import Foundation
import Hummingbird

/// The secret of one start of the explorer: 128 random bits, new each time
/// `uptake serve` starts, printed only in the address it prints
/// (`http://127.0.0.1:PORT/?token=...`). Every request must carry it as
/// `?token=`, the page and its WebSocket included: binding to 127.0.0.1
/// keeps other machines out, the token keeps out other users of this
/// machine and web pages in the browser that guess the port.
public struct AccessToken: Sendable, Equatable {
    public let text: String

    public init(text: String) { self.text = text }

    public static func random() -> AccessToken {
        var generator = SystemRandomNumberGenerator()
        let words = [generator.next(), generator.next()] as [UInt64]
        return AccessToken(text: words.map { String($0, radix: 16).leftPadded(to: 16) }.joined())
    }

    /// Whether `candidate` is the token; compared in time independent of
    /// where they first differ, so that a guess learns nothing from the time taken.
    public func admits(_ candidate: Substring?) -> Bool {
        guard let candidate else { return false }
        let a = Array(text.utf8), b = Array(candidate.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// 403 for every request without the token, before any route is looked at
/// (an unknown path without the token is 403 too, not 404).
struct TokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: AccessToken

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard token.admits(request.uri.queryParameters["token"]) else {
            return Response(
                status: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: TokenMiddleware.refusal)))
        }
        return try await next(request, context)
    }

    /// The body of every 403.
    static var refusal: String { "403 Forbidden: open the address that uptake serve printed; it carries the token.\n" }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: Swift.max(0, width - count)) + self
    }
}
