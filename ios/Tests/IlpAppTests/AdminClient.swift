import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Speaks the sync protocol as the Dinas admin's tool does (the app has no admin screen): login, then a
/// `user` upsert through /api/v1/push that sets a user's areas. The same client as the Android tests'.
final class AdminClient: @unchecked Sendable {
    private let server: String
    private let device = UUID().uuidString.lowercased()
    private var seq = 0
    private var token = ""

    init(server: String) { self.server = server }

    func login() async throws {
        let body = try await post("/api/v1/login", bearer: nil, json: """
            {"protocol":1,"username":"admin","secret":"admin-demo","device_id":"\(device)","device_name":"Swift admin"}
            """)
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        guard let t = object?["token"] as? String else { throw AdminError.answer("no token: \(body)") }
        token = t
    }

    /// Sets a user's areas (a reassignment); fails unless the server stored it.
    func assign(userId: String, areas: [String]) async throws {
        seq += 1
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let hlc = String(format: "%018lld.%010d.%@", now, 0, device)
        let list = areas.map { "\"\($0)\"" }.joined(separator: ",")
        let body = try await post("/api/v1/push", bearer: token, json: """
            {"protocol":1,"device_id":"\(device)","device_time_ms":\(now),"changes":[\
            {"seq":\(seq),"entity":"user","entity_id":"\(userId)","op":"upsert","hlc":"\(hlc)",\
            "payload":{"fields":{"areas":[\(list)]}}}]}
            """)
        guard body.contains("\"refused\":[]") else { throw AdminError.answer("the server refused the reassignment: \(body)") }
    }

    enum AdminError: Error { case answer(String) }

    private func post(_ path: String, bearer: String?, json: String) async throws -> String {
        var request = URLRequest(url: URL(string: server + path)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        if let bearer { request.setValue("Bearer \(bearer)", forHTTPHeaderField: "Authorization") }
        request.httpBody = Data(json.utf8)
        let (data, status): (Data, Int) = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, response, error in
                if let error { return continuation.resume(throwing: error) }
                continuation.resume(returning: (data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
            }.resume()
        }
        let body = String(decoding: data, as: UTF8.self)
        guard status == 200 else { throw AdminError.answer("\(path): HTTP \(status) \(body)") }
        return body
    }
}
