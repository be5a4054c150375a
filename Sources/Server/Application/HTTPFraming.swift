import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// Hummingbird's HTTP/1 child channel with `HTTPFramingHandler` between NIO's request decoder and the codec to
/// swift-http-types: those types carry no protocol version, so without it every response goes out as HTTP/1.1.
struct FramedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value
    let base: HTTP1Channel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        base.setup(channel: channel, logger: logger).flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
            try pipeline.addHandler(HTTPFramingHandler(), position: .after(decoder.handler))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1 as Hummingbird serves it, with each response framed for its request's version (`HTTPFramingHandler`).
    /// A connection that sends nothing for `idleTimeout`, between requests or within one, is closed.
    static func framedHTTP1(idleTimeout: TimeAmount) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            FramedHTTP1Channel(base: HTTP1Channel(responder: responder, configuration: .init(idleTimeout: idleTimeout)))
        }
    }
}

/// Frames each response for the request it answers, where the layers above cannot:
/// - a request in HTTP/1.0 gets an HTTP/1.0 response (RFC 9112 §2.5). A body of unknown length (a streamed page) is
///   then not chunked, which an HTTP/1.0 client cannot read (RFC 9112 §6.1 forbids sending it), but ends when the
///   server closes its side of the connection; so does any response to an HTTP/1.0 request that did not ask to be kept
///   alive. Only its side (as Hummingbird ends a connection): a full close with a request's bytes still unread would
///   reset the connection, and the client could lose the response;
/// - a request NIO cannot parse (a request line and headers over 80 KiB, a malformed line) gets a 400 with an OGC
///   exception body saying so, where Hummingbird wrote an empty one. Only when no response is under way: otherwise
///   the error goes on to Hummingbird, which ends the connection.
final class HTTPFramingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The requests read and not yet answered, in order (HTTP/1 answers in order): whether each was HTTP/1.0 and
    /// asked to be kept alive.
    private var unanswered = CircularBuffer<(http10: Bool, keepAlive: Bool)>()
    /// A response's head has gone and its end not yet.
    private var responding = false
    /// The response under way ends the connection.
    private var closeAtEnd = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let head) = unwrapInboundIn(data) {
            unanswered.append((head.version.major == 1 && head.version.minor == 0, head.isKeepAlive))
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            responding = true
            guard let request = unanswered.popFirst(), request.http10 else { return context.write(data, promise: promise) }
            head.version = .http1_0
            let lengthKnown = head.headers.contains(name: "content-length") || !head.status.mayHaveResponseBody
            closeAtEnd = !(request.keepAlive && lengthKnown)
            head.headers.remove(name: "transfer-encoding")
            head.headers.replaceOrAdd(name: "connection", value: closeAtEnd ? "close" : "keep-alive")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            responding = false
            guard closeAtEnd else { return context.write(data, promise: promise) }
            closeAtEnd = false
            context.writeAndFlush(data, promise: promise)
            context.close(mode: .output, promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError, !responding, unanswered.isEmpty else {
            return context.fireErrorCaught(error)
        }
        let reason = parseError == .headerOverflow
            ? "the request line and headers are longer than the server reads (80 KiB)"
            : "not an HTTP/1.1 request the server can read (\(parseError))"
        let refusal = OGCError(.badRequest, "InvalidRequest", reason)
        let body = refusal.body
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(body.count))
        headers.add(name: "connection", value: "close")
        responding = true
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: refusal.status.code), headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.close(mode: .output, promise: nil)
    }
}
