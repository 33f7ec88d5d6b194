import IlpApp
import SwiftUI

struct LoginPage: View {
    let model: LoginViewModel

    var body: some View {
        Form {
            if model.loadingAccounts {
                ProgressView()
            } else if let account = model.pinFor {
                Section("login.pin_section") {
                    Text(verbatim: account.displayName).font(.headline)
                    SecureField("login.pin", text: Binding(get: { model.pin }, set: model.onPin))
                        .keyboardType(.numberPad)
                    Button("login.with_pin") { Task { await model.loginWithPin() } }
                        .disabled(model.busy)
                }
                if model.accounts.count > 1 {
                    Section("login.other_users") {
                        ForEach(model.accounts.filter { $0 != account }) { other in
                            Button(other.displayName) { model.pickAccount(other) }
                        }
                    }
                }
                Button("login.use_online") { model.useOnlineLogin() }
            } else {
                Section("login.online_section") {
                    TextField("login.username", text: Binding(get: { model.username }, set: model.onUsername))
                        .textInputAutocapitalization(.never)
                        .autocorrectionDisabled()
                    SecureField("login.password", text: Binding(get: { model.password }, set: model.onPassword))
                    Button("login.online") { Task { await model.loginOnline() } }
                        .disabled(model.busy)
                }
            }
            if model.busy { ProgressView() }
            if let error = model.error { ErrorText(error: error) }
        }
        .navigationTitle("login.title")
        .task { await model.load() }
    }
}

struct SetPinPage: View {
    let model: SetPinViewModel

    var body: some View {
        Form {
            Text("setpin.explain")
            SecureField("setpin.pin", text: Binding(get: { model.pin }, set: model.onPin)).keyboardType(.numberPad)
            SecureField("setpin.repeat", text: Binding(get: { model.repeatPin }, set: model.onRepeat)).keyboardType(.numberPad)
            Button("common.save") { Task { await model.save() } }.disabled(model.busy)
            if let error = model.error { ErrorText(error: error) }
        }
        .navigationTitle("setpin.title")
    }
}
