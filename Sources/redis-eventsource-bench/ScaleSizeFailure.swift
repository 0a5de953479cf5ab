/// A size of the scale bench that could not produce its figures, and why.
struct ScaleSizeFailure: Sendable {
    let size: Int
    let reason: String
}
