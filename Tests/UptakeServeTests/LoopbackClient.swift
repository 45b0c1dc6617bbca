import Foundation
import XCTest

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 and WebSocket client over a plain socket to
/// 127.0.0.1, for talking to a started explorer as a browser would: every
/// byte is visible, nothing is cached or retried, and no client library
/// (with its TLS stack) is built for the tests. Reads time out after 60 s,
/// so a test that waits for an answer that never comes fails instead of hanging.
final class LoopbackClient {
    struct Answer {
        let status: Int
        let headers: [String: String]
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Closes the connection at once, as a browser tab that goes away.
    func closeConnection() { shutdown(fd, Int32(SHUT_RDWR)) }

    /// One GET, answered in full (the server closes the connection after it).
    static func get(port: Int, _ target: String) throws -> Answer {
        let client = try LoopbackClient(port: port)
        try client.write(Array("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8))
        let (status, headers) = try client.readHead()
        var body: [UInt8]
        if let length = headers["content-length"].flatMap(Int.init) {
            body = try client.read(count: length)
        } else {
            body = client.buffer
            while let more = try client.readSome() { body += more }
        }
        return Answer(status: status, headers: headers, body: Data(body))
    }

    // MARK: WebSocket

    /// Opens a WebSocket at `target`; throws with the answer's status when the server refuses the upgrade.
    static func webSocket(port: Int, _ target: String) throws -> LoopbackClient {
        let client = try LoopbackClient(port: port)
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        try client.write(
            Array(
                ("GET \(target) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n").utf8))
        let (status, _) = try client.readHead()
        guard status == 101 else { throw Refused(status: status) }
        return client
    }

    /// The server answered the upgrade with this status instead of 101.
    struct Refused: Error {
        let status: Int
    }

    /// Sends one text message (masked, as a client must).
    func send(_ text: String) throws {
        let payload = Array(text.utf8)
        var frame: [UInt8] = [0x81]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
        }
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try write(frame)
    }

    /// The next text message, or nil when the server closes the WebSocket.
    func receive() throws -> String? {
        var message: [UInt8] = []
        while true {
            let head = try read(count: 2)
            var length = Int(head[1] & 0x7f)
            if length == 126 {
                length = try read(count: 2).reduce(0) { $0 << 8 | Int($1) }
            } else if length == 127 {
                length = try read(count: 8).reduce(0) { $0 << 8 | Int($1) }
            }
            let payload = try read(count: length)
            switch head[0] & 0x0f {
            case 0x8: return nil
            case 0x9, 0xA: continue
            default: message += payload
            }
            if head[0] & 0x80 != 0 { return String(decoding: message, as: UTF8.self) }
        }
    }

    /// Every message until the server closes, as JSON objects.
    func receiveAll() throws -> [[String: Any]] {
        var messages: [[String: Any]] = []
        while let text = try receive() { messages.append(try LoopbackClient.object(text)) }
        return messages
    }

    static func object(_ text: String) throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure(description: "not a JSON object: \(text)")
        }
        return object
    }

    // MARK: Bytes

    func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(String(cString: strerror(errno)))") }
            sent += n
        }
    }

    private func readSome() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var n = recv(fd, &chunk, chunk.count, 0)
        // A signal to this process (a child ending) interrupts the wait: wait again.
        while n < 0 && errno == EINTR { n = recv(fd, &chunk, chunk.count, 0) }
        if n < 0 { throw Failure(description: "recv: \(String(cString: strerror(errno)))") }
        return n == 0 ? nil : Array(chunk[0..<n])
    }

    private func read(count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard let more = try readSome() else { throw Failure(description: "the server closed the connection") }
            buffer += more
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[0..<count])
    }

    private func readHead() throws -> (Int, [String: String]) {
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let range = buffer.firstRange(of: end) {
                let head = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<range.upperBound)
                var lines = head.components(separatedBy: "\r\n")
                let status = Int(lines.removeFirst().split(separator: " ")[1]) ?? 0
                var headers: [String: String] = [:]
                for line in lines {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                        .trimmingCharacters(in: .whitespaces)
                }
                return (status, headers)
            }
            guard let more = try readSome() else { throw Failure(description: "the server closed the connection") }
            buffer += more
        }
    }
}
