import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOHTTP1

/// The HTTP/1 server with the run's WebSocket, where a WebSocket handshake
/// without the token is answered 403 like every other request without it.
/// (Hummingbird answers every refused upgrade with 400, and before any
/// router middleware could see it, so the check sits in the channel: just
/// behind the HTTP decoder, it reads each connection's first request head.)
struct TokenCheckedChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let upgradeChannel: HTTP1WebSocketUpgradeChannel
    let token: AccessToken

    static func builder(webSocketRouter: Router<BasicWebSocketRequestContext>, token: AccessToken) -> HTTPServerBuilder
    {
        let webSocketResponder = webSocketRouter.buildResponder()
        return HTTPServerBuilder { responder in
            TokenCheckedChannel(
                upgradeChannel: HTTP1WebSocketUpgradeChannel(
                    responder: responder, webSocketResponder: webSocketResponder, configuration: .init()),
                token: token)
        }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let token = self.token
        return upgradeChannel.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let operations = channel.pipeline.syncOperations
            let decoder = try operations.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try operations.addHandler(UpgradeTokenCheck(token: token), position: .after(decoder))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await upgradeChannel.handle(value: value, logger: logger)
    }
}

/// Reads the first request head of a connection: an upgrade without the
/// token gets 403 and the connection is closed; anything else passes, and
/// the check leaves the pipeline (later requests are plain HTTP, where
/// `TokenMiddleware` checks them).
final class UpgradeTokenCheck: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let token: AccessToken
    private var refused = false

    init(token: AccessToken) {
        self.token = token
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // The rest of a refused request: dropped, the connection is closing.
        guard !refused else { return }
        guard case .head(let head) = unwrapInboundIn(data) else {
            context.fireChannelRead(data)
            return
        }
        let query = URLComponents(string: head.uri)?.queryItems ?? []
        let given = query.first { $0.name == "token" }?.value
        if head.headers.contains(name: "upgrade") && !token.admits(given.map { Substring($0) }) {
            refused = true
            let text = TokenMiddleware<BasicRequestContext>.refusal
            let headers = HTTPHeaders([
                ("content-type", "text/plain; charset=utf-8"), ("content-length", String(text.utf8.count)),
                ("connection", "close"),
            ])
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: .forbidden, headers: headers))),
                promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
            return
        }
        context.fireChannelRead(data)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
