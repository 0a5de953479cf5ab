import ArgumentParser

/// `--http-address`, which `run` and `controller` share.
struct HTTPAddressOption: ParsableArguments {
    @Option(help: "Address the health and metrics server binds to.")
    var httpAddress: String = "127.0.0.1"
}
